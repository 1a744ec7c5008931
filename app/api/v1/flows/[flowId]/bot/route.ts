import { getDb } from "@/lib/db";
import { getBotWithReleases, updateBotSettings } from "@/lib/server/bots/publish";
import { botPatchSchema } from "@/lib/server/bots/studio-schemas";
import { parseJson, route } from "@/lib/server/request";
import { roleAllows } from "@/lib/auth/permissions";

export const dynamic = "force-dynamic";
type Params = { flowId: string };

/** The flow's bot and releases; `?reveal=1` shows the signing secret to those who may edit. */
export const GET = route<Params>(async (req, ctx, { flowId }) => {
  const reveal = new URL(req.url).searchParams.has("reveal") && roleAllows(ctx.principal.role, "edit");
  return Response.json(await getBotWithReleases(await getDb(), ctx.workspaceId, flowId, reveal));
});

/** Saves bot settings; enabling the widget without an allowed origin → 400 allowed_origins_required. */
export const PATCH = route<Params>(async (req, ctx, { flowId }) => {
  const body = await parseJson(req, botPatchSchema);
  return Response.json({ bot: await updateBotSettings(await getDb(), ctx.workspaceId, flowId, body) });
});
