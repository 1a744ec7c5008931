import { getDb } from "@/lib/db";
import { refuseIfPublished } from "@/lib/server/bots/publish";
import { deleteFlowById, getFlowById, snapshotBeforeEdit, updateFlow } from "@/lib/db/queries/flows";
import { sameFlow } from "@/lib/flow/diff";
import { AUTO_SNAPSHOT_INTERVAL_MS, AUTO_SNAPSHOT_NOTE } from "@/lib/flow/version-notes";
import { requireValidFlow } from "@/lib/server/flow-graph";
import { notFound, parseJson, route } from "@/lib/server/request";
import { updateFlowSchema } from "../schema";
import { authorOf } from "./versions/load";

export const dynamic = "force-dynamic";
type Params = { flowId: string };
const FLOW = { en: "Flow", zh: "该流程" };

export const GET = route<Params>(async (_req, ctx, { flowId }) => {
  const flow = await getFlowById(await getDb(), ctx.workspaceId, flowId);
  if (!flow) throw notFound(FLOW);
  return Response.json({ flow });
});

export const PATCH = route<Params>(async (req, ctx, { flowId }) => {
  const body = await parseJson(req, updateFlowSchema);
  const graph = body.graph === undefined ? undefined : requireValidFlow(body.graph, ctx.locale);
  const db = await getDb();
  const before = await getFlowById(db, ctx.workspaceId, flowId);
  if (!before) throw notFound(FLOW);
  const flow = await updateFlow(db, ctx.workspaceId, flowId, { name: body.name, description: body.description, graph, expectedRevision: body.expectedRevision });
  // Automatic versions (see the versions page's help): the graph before this save is kept when the
  // newest version is over 10 minutes old, only if nobody saved in between. The save never fails for it.
  if (graph && flow.revision === before.revision + 1 && !sameFlow(before.graph, graph)) {
    await snapshotBeforeEdit(db, flowId, before.graph, { minAgeMs: AUTO_SNAPSHOT_INTERVAL_MS, note: AUTO_SNAPSHOT_NOTE, author: authorOf(ctx) }).catch((error: unknown) =>
      console.error("[trellis] automatic version failed", flowId, error),
    );
  }
  return Response.json({ flow });
});

/**
 * Deletes the flow. A flow published as a bot is refused (409 `flow_published`) unless the call
 * says `?force=1`: deleting takes the bot, its conversations and keys with it.
 */
export const DELETE = route<Params>(async (req, ctx, { flowId }) => {
  const db = await getDb();
  if (!new URL(req.url).searchParams.has("force")) await refuseIfPublished(db, ctx.workspaceId, flowId);
  const deleted = await deleteFlowById(db, ctx.workspaceId, flowId);
  if (!deleted) throw notFound(FLOW);
  return new Response(null, { status: 204 });
});
