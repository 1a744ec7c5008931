import { getDb } from "@/lib/db";
import { listConversations } from "@/lib/db/queries/conversations";
import { botRoute, checkOrigin, endUserOf } from "@/lib/server/bots/http";
import { findBot } from "@/lib/server/bots/lookup";

export const dynamic = "force-dynamic";

/** The end user's conversations with this bot, newest first. */
export const GET = botRoute<{ slug: string }>(async (req, _ctx, { slug }) => {
  const db = await getDb();
  const bot = await findBot(db, slug);
  checkOrigin(req, bot);
  const user = endUserOf(req, bot);
  return Response.json({ conversations: await listConversations(db, bot.id, user.id) });
});
