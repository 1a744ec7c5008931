import { getDb } from "@/lib/db";
import { apiEndUser, botApiCaller } from "@/lib/server/bots/bot-api";
import { startChat } from "@/lib/server/bots/chat";
import { botRoute, chatEventStream, chatJson } from "@/lib/server/bots/http";
import { botApiChatSchema } from "@/lib/server/bots/schemas";
import { parseJson } from "@/lib/server/request";

export const dynamic = "force-dynamic";
export const maxDuration = 1200;

/** The bot API's chat: a bot key, the same events as the public chat; `version` or a pinned key picks the release. */
export const POST = botRoute<{ slug: string }>(async (req, ctx, { slug }) => {
  const db = await getDb();
  const [{ bot, key }, body] = await Promise.all([botApiCaller(db, req, slug), parseJson(req, botApiChatSchema)]);
  const events = await startChat({
    db,
    bot,
    caller: { botId: bot.id, ip: ctx.ip, endUserId: apiEndUser(key, body.user), keyId: key.id, keyDailyTokens: key.dailyTokens },
    message: body.message,
    inputs: body.inputs,
    conversationId: body.conversationId,
    release: body.version ?? key.pinnedRelease,
    locale: ctx.locale,
    signal: req.signal,
  });
  return body.stream ? chatEventStream(events, ctx.locale) : chatJson(events);
});
