import { getDb } from "@/lib/db";
import { createFlow, listFlowsByWorkspaceId } from "@/lib/db/queries/flows";
import { AppError } from "@/lib/errors";
import type { FlowDocument } from "@/lib/flow/schema";
import { starterFlow } from "@/lib/flow/starter";
import { templateFlow } from "@/lib/flow/templates";
import type { Locale } from "@/lib/i18n/locale";
import { nodeRegistry } from "@/nodes";
import { randomUUID } from "node:crypto";
import { requireValidFlow } from "@/lib/server/flow-graph";
import { readableFlow, sealFlowSecrets } from "@/lib/server/flow-secrets";
import { parseJson, route } from "@/lib/server/request";
import { createFlowSchema } from "./schema";

export const dynamic = "force-dynamic";

export const GET = route(async (_req, ctx) => {
  const flows = await listFlowsByWorkspaceId(await getDb(), ctx.workspaceId);
  return Response.json({ flows });
});

/** The graph a new flow starts with: the one sent, else the template's, else the starter flow. */
function initialGraph(body: { graph?: unknown; templateId?: string }, locale: Locale): unknown {
  if (body.graph !== undefined) return body.graph;
  if (body.templateId === undefined) return starterFlow(locale);
  const graph: FlowDocument | undefined = templateFlow(body.templateId, nodeRegistry, locale);
  if (graph) return graph;
  throw new AppError("unknown_template", { en: `There is no template "${body.templateId}".`, zh: `没有名为“${body.templateId}”的模板。` }, 400);
}

export const POST = route(async (req, ctx) => {
  const body = await parseJson(req, createFlowSchema);
  const valid = requireValidFlow(initialGraph(body, ctx.locale), ctx.locale);
  // The id is chosen first: the graph's secrets are encrypted bound to it.
  const id = randomUUID();
  const graph = await sealFlowSecrets(valid, { workspaceId: ctx.workspaceId, flowId: id });
  const flow = await createFlow(await getDb(), ctx.workspaceId, { id, name: body.name, description: body.description, graph });
  return Response.json({ flow: readableFlow(flow) }, { status: 201 });
});
