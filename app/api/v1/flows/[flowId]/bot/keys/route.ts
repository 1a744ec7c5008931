import { getDb } from "@/lib/db";
import { createKey, listKeys } from "@/lib/server/bots/keys";
import { createBotKeySchema } from "@/lib/server/bots/studio-schemas";
import { parseJson, route } from "@/lib/server/request";

export const dynamic = "force-dynamic";
type Params = { flowId: string };

/** The bot's active API keys (never their secrets). */
export const GET = route<Params>(async (_req, ctx, { flowId }) => Response.json({ keys: await listKeys(await getDb(), ctx.workspaceId, flowId) }));

/** A new bot API key: 201 `{ key, apiKey }`; `key` is shown this once and stored only as a hash. */
export const POST = route<Params>(async (req, ctx, { flowId }) => {
  const body = await parseJson(req, createBotKeySchema);
  const created = await createKey(await getDb(), ctx.workspaceId, flowId, { ...body, createdBy: ctx.principal.user?.id ?? null });
  return Response.json(created, { status: 201 });
});
