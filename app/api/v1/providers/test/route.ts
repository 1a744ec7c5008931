import { getDb } from "@/lib/db";
import { testConnection } from "@/lib/providers";
import { checkProviderUrl } from "@/lib/security/provider-url";
import { builtinProviders, resolveProvider } from "@/lib/server/providers";
import { parseJson, route } from "@/lib/server/request";
import { testProviderSchema } from "../schema";

export const dynamic = "force-dynamic";

/**
 * "Test connection": reaches the provider and lists its models, or says in the person's language
 * why not. The URL passes the provider SSRF check before any request (stored ones too: they may
 * predate the check); the built-in Ollama URL comes from the operator's environment and is trusted.
 */
export const POST = route(async (req, ctx) => {
  const body = await parseJson(req, testProviderSchema);
  const config =
    "providerId" in body
      ? await resolveProvider(await getDb(), ctx.workspaceId, body.providerId)
      : { id: "unsaved", ...body };
  if (config.baseUrl && !builtinProviders().some((b) => b.id === config.id)) await checkProviderUrl(config.baseUrl);
  const result = await testConnection(config);
  if (result.ok) return Response.json({ ok: true, models: result.models });
  return Response.json({ ok: false, error: { code: result.error.code, message: result.error.message[ctx.locale] } });
}, { allow: "admin" });
