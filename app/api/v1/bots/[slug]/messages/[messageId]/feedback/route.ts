import { z } from "zod";
import { getDb } from "@/lib/db";
import { apiEndUser, botApiCaller } from "@/lib/server/bots/bot-api";
import { saveFeedback } from "@/lib/server/bots/conversations";
import { botRoute } from "@/lib/server/bots/http";
import { feedbackSchema } from "@/lib/server/bots/schemas";
import { parseJson } from "@/lib/server/request";

export const dynamic = "force-dynamic";

const bodySchema = feedbackSchema.extend({ user: z.string().min(1).max(200).optional() }).strict();

/** Feedback on an answer of `user`'s (or the key's) conversation; anyone else's → 404. */
export const POST = botRoute<{ slug: string; messageId: string }>(async (req, _ctx, { slug, messageId }) => {
  const db = await getDb();
  const { bot, key } = await botApiCaller(db, req, slug);
  const body = await parseJson(req, bodySchema);
  await saveFeedback(db, bot.id, apiEndUser(key, body.user), messageId, body);
  return new Response(null, { status: 204 });
});
