import { getDb } from "@/lib/db";
import { duplicateFlow } from "@/lib/db/queries/flows";
import { readableFlow, reencryptFlowSecrets } from "@/lib/server/flow-secrets";
import { notFound, route } from "@/lib/server/request";

export const dynamic = "force-dynamic";
type Params = { flowId: string };

const copyName = { en: (name: string) => `Copy of ${name}`, zh: (name: string) => `${name} 副本` };

/** Copies a flow (graph and description, not its versions or runs) as "Copy of X" / "X 副本". 201 `{ flow }`. */
export const POST = route<Params>(async (_req, ctx, { flowId }) => {
  const { workspaceId } = ctx;
  // The copy's secrets are encrypted anew, bound to the copy: the original's do not decrypt there.
  const copy = await duplicateFlow(await getDb(), workspaceId, flowId, copyName[ctx.locale], (graph, copyId) =>
    reencryptFlowSecrets(graph, { workspaceId, flowId }, { workspaceId, flowId: copyId }),
  );
  if (!copy) throw notFound({ en: "Flow", zh: "该流程" });
  return Response.json({ flow: readableFlow(copy) }, { status: 201 });
});
