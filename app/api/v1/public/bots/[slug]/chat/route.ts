import { getDb } from "@/lib/db";
import { startChat } from "@/lib/server/bots/chat";
import { botRoute, chatEventStream, chatJson, checkOrigin, endUserOf } from "@/lib/server/bots/http";
import { findBot } from "@/lib/server/bots/lookup";
import { publicChatSchema } from "@/lib/server/bots/schemas";
import { parseJson } from "@/lib/server/request";

export const dynamic = "force-dynamic";
export const maxDuration = 1200;

/** One turn with the bot's active release: server-sent events, or JSON with `stream: false`. */
export const POST = botRoute<{ slug: string }>(async (req, ctx, { slug }) => {
  const db = await getDb();
  const bot = await findBot(db, slug);
  checkOrigin(req, bot);
  const user = endUserOf(req, bot);
  const body = await parseJson(req, publicChatSchema);
  const events = await startChat({
    db,
    bot,
    caller: { botId: bot.id, ip: ctx.ip, endUserId: user.id },
    message: body.message,
    inputs: body.inputs,
    conversationId: body.conversationId,
    locale: ctx.locale,
    signal: req.signal,
  });
  return body.stream ? chatEventStream(events, ctx.locale) : chatJson(events);
});
