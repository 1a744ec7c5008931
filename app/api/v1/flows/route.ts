import { getDb } from "@/lib/db";
import { createFlow, listFlowsByWorkspaceId } from "@/lib/db/queries/flows";
import { starterFlow } from "@/lib/flow/starter";
import { requireValidFlow } from "@/lib/server/flow-graph";
import { parseJson, route } from "@/lib/server/request";
import { createFlowSchema } from "./schema";

export const dynamic = "force-dynamic";

export const GET = route(async (_req, ctx) => {
  const flows = await listFlowsByWorkspaceId(await getDb(), ctx.workspaceId);
  return Response.json({ flows });
});

export const POST = route(async (req, ctx) => {
  const body = await parseJson(req, createFlowSchema);
  const graph = requireValidFlow(body.graph ?? starterFlow(ctx.locale), ctx.locale);
  const flow = await createFlow(await getDb(), ctx.workspaceId, { name: body.name, description: body.description, graph });
  return Response.json({ flow }, { status: 201 });
});
