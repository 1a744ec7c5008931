import { getDb } from "@/lib/db";
import { revokeApiKey } from "@/lib/db/queries/api-keys";
import { forgetApiKey } from "@/lib/server/auth";
import { notFound, route } from "@/lib/server/request";

export const dynamic = "force-dynamic";

type Params = { keyId: string };

/** Revokes a key: refused at once here, within 5 s on other instances (their verification cache). */
export const DELETE = route<Params>(async (_req, ctx, { keyId }) => {
  if (!(await revokeApiKey(await getDb(), ctx.workspaceId, keyId))) throw notFound({ en: "API key", zh: "该 API 密钥" });
  forgetApiKey(keyId);
  return new Response(null, { status: 204 });
}, { allow: "admin" });
