import { getDb } from "@/lib/db";
import { createProvider, listProvidersByWorkspaceId, setDefaultProvider } from "@/lib/db/queries/providers";
import { checkProviderUrl } from "@/lib/security/provider-url";
import { builtinProviders, forgetProviders, providerStatus } from "@/lib/server/providers";
import { parseJson, route } from "@/lib/server/request";
import { createProviderSchema } from "./schema";

export const dynamic = "force-dynamic";

/** Stored providers (never their secrets), the built-in ones, and what "default" resolves to now. */
export const GET = route(async (_req, ctx) => {
  const db = await getDb();
  const [stored, status] = await Promise.all([listProvidersByWorkspaceId(db, ctx.workspaceId), providerStatus(db, ctx.workspaceId, ctx.locale)]);
  const builtin = builtinProviders(ctx.locale).map(({ apiKey: _apiKey, ...p }) => ({ ...p, builtin: true }));
  return Response.json({ providers: stored, builtin, status });
});

/** Creates a provider; its base URL passes the provider SSRF check first (no metadata, no link-local). */
export const POST = route(async (req, ctx) => {
  const { isDefault, ...input } = await parseJson(req, createProviderSchema);
  if (input.baseUrl) await checkProviderUrl(input.baseUrl);
  const db = await getDb();
  const provider = await createProvider(db, ctx.workspaceId, input);
  if (isDefault) await setDefaultProvider(db, ctx.workspaceId, provider.id);
  forgetProviders(ctx.workspaceId);
  return Response.json({ provider: { ...provider, isDefault } }, { status: 201 });
}, { allow: "admin" });
