import { getDb } from "@/lib/db";
import { duplicateFlow } from "@/lib/db/queries/flows";
import { notFound, route } from "@/lib/server/request";

export const dynamic = "force-dynamic";
type Params = { flowId: string };

const copyName = { en: (name: string) => `Copy of ${name}`, zh: (name: string) => `${name} 副本` };

/** Copies a flow (graph and description, not its versions or runs) as "Copy of X" / "X 副本". 201 `{ flow }`. */
export const POST = route<Params>(async (_req, ctx, { flowId }) => {
  const copy = await duplicateFlow(await getDb(), ctx.workspaceId, flowId, copyName[ctx.locale]);
  if (!copy) throw notFound({ en: "Flow", zh: "该流程" });
  return Response.json({ flow: copy }, { status: 201 });
});
