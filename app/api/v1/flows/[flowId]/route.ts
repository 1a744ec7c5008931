import { getDb } from "@/lib/db";
import { deleteFlowById, getFlowById, updateFlow } from "@/lib/db/queries/flows";
import { requireValidFlow } from "@/lib/server/flow-graph";
import { notFound, parseJson, route } from "@/lib/server/request";
import { updateFlowSchema } from "../schema";

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
  if (!(await getFlowById(db, ctx.workspaceId, flowId))) throw notFound(FLOW);
  const flow = await updateFlow(db, ctx.workspaceId, flowId, { name: body.name, description: body.description, graph, expectedRevision: body.expectedRevision });
  return Response.json({ flow });
});

export const DELETE = route<Params>(async (_req, ctx, { flowId }) => {
  const deleted = await deleteFlowById(await getDb(), ctx.workspaceId, flowId);
  if (!deleted) throw notFound(FLOW);
  return new Response(null, { status: 204 });
});
