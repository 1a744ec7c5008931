import { getDb } from "@/lib/db";
import { deleteProviderById, setDefaultProvider, updateProvider } from "@/lib/db/queries/providers";
import { checkProviderUrl } from "@/lib/security/provider-url";
import { forgetProviders } from "@/lib/server/providers";
import { notFound, parseJson, route } from "@/lib/server/request";
import { updateProviderSchema } from "../schema";

export const dynamic = "force-dynamic";
type Params = { providerId: string };
const PROVIDER = { en: "Model provider", zh: "该模型服务" };

/** Updates a provider; a new base URL passes the provider SSRF check first. */
export const PATCH = route<Params>(async (req, ctx, { providerId }) => {
  const { isDefault, ...patch } = await parseJson(req, updateProviderSchema);
  if (patch.baseUrl) await checkProviderUrl(patch.baseUrl);
  const db = await getDb();
  const provider = await updateProvider(db, ctx.workspaceId, providerId, patch);
  if (!provider) throw notFound(PROVIDER);
  if (isDefault !== undefined) await setDefaultProvider(db, ctx.workspaceId, isDefault ? providerId : null);
  forgetProviders(ctx.workspaceId);
  return Response.json({ provider });
}, { allow: "admin" });

export const DELETE = route<Params>(async (_req, ctx, { providerId }) => {
  const deleted = await deleteProviderById(await getDb(), ctx.workspaceId, providerId);
  if (!deleted) throw notFound(PROVIDER);
  forgetProviders(ctx.workspaceId);
  return new Response(null, { status: 204 });
}, { allow: "admin" });
