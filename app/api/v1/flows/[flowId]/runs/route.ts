import { getDb } from "@/lib/db";
import { getFlowById } from "@/lib/db/queries/flows";
import { listRunsByFlowId } from "@/lib/db/queries/runs";
import type { RunEvent } from "@/lib/flow/run-record";
import { flowForRun } from "@/lib/server/flow-cache";
import { notFound, parseJson, route } from "@/lib/server/request";
import { requireRunnableFlow } from "@/lib/server/flow-graph";
import { startFlowRun } from "@/lib/server/run-service";
import { sseResponse } from "@/lib/server/sse";
import { runRequestSchema } from "./schema";

export const dynamic = "force-dynamic";
export const maxDuration = 1200;
type Params = { flowId: string };

/**
 * Runs the saved flow: server-sent events by default (one `event:` per run event), JSON with
 * `stream: false`. The run is recorded before it starts: an input that cannot be stored is a 400,
 * a run record that cannot be written an error response — in both cases nothing ran.
 */
export const POST = route<Params>(async (req, ctx, { flowId }) => {
  const body = await parseJson(req, runRequestSchema);
  const db = await getDb();
  const flow = await flowForRun(db, ctx.workspaceId, flowId);
  if (!flow) throw notFound({ en: "Flow", zh: "该流程" });
  await requireRunnableFlow(db, ctx.workspaceId, flow.graph, ctx.locale);
  const { runId, events, cancel } = await startFlowRun({
    db,
    workspaceId: ctx.workspaceId,
    flowId,
    flowRevision: flow.revision,
    graph: flow.graph,
    input: { message: body.message, history: body.history, variables: body.variables },
    locale: ctx.locale,
    signal: req.signal,
  });

  if (body.stream) {
    return sseResponse(events, (event: RunEvent) => ({ event: event.type, data: { runId, ...event } }), { headers: { "X-Run-Id": runId }, onCancel: cancel });
  }
  let finished: Extract<RunEvent, { type: "run-finished" }> | undefined;
  for await (const event of events) if (event.type === "run-finished") finished = event;
  return Response.json({ runId, status: finished?.status, answer: finished?.answer ?? null, error: finished?.error ?? null, durationMs: finished?.durationMs });
}, { allow: "run" });

/** The flow's latest 50 runs; 404 for a flow that is not the caller's (not an empty list). */
export const GET = route<Params>(async (_req, ctx, { flowId }) => {
  const db = await getDb();
  if (!(await getFlowById(db, ctx.workspaceId, flowId))) throw notFound({ en: "Flow", zh: "该流程" });
  const runs = await listRunsByFlowId(db, ctx.workspaceId, flowId, 50);
  return Response.json({ runs });
});
