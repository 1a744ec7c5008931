import { getDb } from "@/lib/db";
import { botRoute, checkOrigin } from "@/lib/server/bots/http";
import { findBot } from "@/lib/server/bots/lookup";
import { publicBotConfig } from "@/lib/server/bots/public";

export const dynamic = "force-dynamic";

/** The bot's public configuration: an allow-listed view, nothing secret (C10). */
export const GET = botRoute<{ slug: string }>(async (req, _ctx, { slug }) => {
  const db = await getDb();
  const bot = await findBot(db, slug);
  checkOrigin(req, bot);
  return Response.json(await publicBotConfig(db, bot), { headers: { "Cache-Control": "no-store" } });
});
