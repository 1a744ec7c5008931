import { getDb } from "@/lib/db";
import { botRoute, checkOrigin, endUserOf } from "@/lib/server/bots/http";
import { findBot } from "@/lib/server/bots/lookup";
import { saveFeedback } from "@/lib/server/bots/conversations";
import { feedbackSchema } from "@/lib/server/bots/schemas";
import { parseJson } from "@/lib/server/request";

export const dynamic = "force-dynamic";

/** Thumbs up / down (or cleared) on one of the end user's answers; anyone else's → 404. */
export const POST = botRoute<{ slug: string; messageId: string }>(async (req, _ctx, { slug, messageId }) => {
  const db = await getDb();
  const bot = await findBot(db, slug);
  checkOrigin(req, bot);
  const user = endUserOf(req, bot);
  await saveFeedback(db, bot.id, user.id, messageId, await parseJson(req, feedbackSchema));
  return new Response(null, { status: 204 });
});
