import { getDb } from "@/lib/db";
import { revokeKey } from "@/lib/server/bots/keys";
import { route } from "@/lib/server/request";

export const dynamic = "force-dynamic";

/** Revokes a bot API key; it stops working at once here and within seconds on other instances. */
export const DELETE = route<{ flowId: string; keyId: string }>(async (_req, ctx, { flowId, keyId }) => {
  await revokeKey(await getDb(), ctx.workspaceId, flowId, keyId);
  return new Response(null, { status: 204 });
});
