import { getDb } from "@/lib/db";
import { apiEndUser, botApiCaller } from "@/lib/server/bots/bot-api";
import { readConversation } from "@/lib/server/bots/conversations";
import { botRoute } from "@/lib/server/bots/http";

export const dynamic = "force-dynamic";

/** A conversation of `?user=ID` (or of the key) with its messages; anyone else's → 404. */
export const GET = botRoute<{ slug: string; conversationId: string }>(async (req, _ctx, { slug, conversationId }) => {
  const db = await getDb();
  const { bot, key } = await botApiCaller(db, req, slug);
  const user = new URL(req.url).searchParams.get("user");
  return Response.json(await readConversation(db, bot.id, apiEndUser(key, user), conversationId));
});
