import { getDb } from "@/lib/db";
import { listApiKeys } from "@/lib/db/queries/api-keys";
import { apiKeySchema, apiKeyView, issueApiKey } from "@/lib/server/accounts";
import { parseJson, route } from "@/lib/server/request";

export const dynamic = "force-dynamic";

export const GET = route(async (_req, ctx) => {
  const keys = await listApiKeys(await getDb(), ctx.workspaceId);
  return Response.json({ keys: keys.map(apiKeyView) });
}, { allow: "admin" });

/** Creates a key; `secret` is the whole key, returned this once and stored only as a scrypt hash (C15). */
export const POST = route(async (req, ctx) => {
  const body = await parseJson(req, apiKeySchema);
  return Response.json(await issueApiKey(await getDb(), ctx.workspaceId, ctx.principal.user?.id ?? null, body), { status: 201 });
}, { allow: "admin" });
