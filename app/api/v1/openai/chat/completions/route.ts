import { getDb } from "@/lib/db";
import { apiEndUser } from "@/lib/server/bots/bot-api";
import { startChat } from "@/lib/server/bots/chat";
import { botRoute, checkOrigin } from "@/lib/server/bots/http";
import { authenticateBotKey, botNotFound } from "@/lib/server/bots/lookup";
import { completionJson, completionRequestSchema, completionStream, splitMessages } from "@/lib/server/bots/openai";
import { parseJson } from "@/lib/server/request";

export const dynamic = "force-dynamic";
export const maxDuration = 1200;

/** OpenAI-compatible chat completions: `model` = the bot's slug, key = one of its bot API keys. */
export const POST = botRoute(async (req, ctx) => {
  const db = await getDb();
  const [{ bot, key }, body] = await Promise.all([authenticateBotKey(db, req), parseJson(req, completionRequestSchema)]);
  if (body.model !== bot.slug) throw botNotFound();
  checkOrigin(req, bot);
  const { message, history } = splitMessages(body.messages);
  const events = await startChat({
    db,
    bot,
    caller: { botId: bot.id, ip: ctx.ip, endUserId: apiEndUser(key, body.user), keyId: key.id, keyDailyTokens: key.dailyTokens },
    message,
    history,
    inputs: {},
    release: key.pinnedRelease,
    locale: ctx.locale,
    signal: req.signal,
  });
  return body.stream ? completionStream(events, bot.slug, Boolean(body.stream_options?.include_usage)) : completionJson(events, bot.slug);
});
