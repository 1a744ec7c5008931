import { getDb } from "@/lib/db";
import { listConversations } from "@/lib/db/queries/conversations";
import { apiEndUser, botApiCaller } from "@/lib/server/bots/bot-api";
import { botRoute } from "@/lib/server/bots/http";

export const dynamic = "force-dynamic";

/** `?user=ID`: that end user's conversations (without it: the key's own). */
export const GET = botRoute<{ slug: string }>(async (req, _ctx, { slug }) => {
  const db = await getDb();
  const { bot, key } = await botApiCaller(db, req, slug);
  const user = new URL(req.url).searchParams.get("user");
  return Response.json({ conversations: await listConversations(db, bot.id, apiEndUser(key, user)) });
});
