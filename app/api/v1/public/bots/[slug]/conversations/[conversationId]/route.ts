import { getDb } from "@/lib/db";
import { deleteConversation } from "@/lib/db/queries/conversations";
import { botRoute, checkOrigin, endUserOf } from "@/lib/server/bots/http";
import { findBot } from "@/lib/server/bots/lookup";
import { readConversation } from "@/lib/server/bots/conversations";
import { conversationNotFound } from "@/lib/server/bots/chat";

export const dynamic = "force-dynamic";
type Params = { slug: string; conversationId: string };

/** One of the end user's conversations with its messages; anyone else's → 404. */
export const GET = botRoute<Params>(async (req, _ctx, { slug, conversationId }) => {
  const db = await getDb();
  const bot = await findBot(db, slug);
  checkOrigin(req, bot);
  return Response.json(await readConversation(db, bot.id, endUserOf(req, bot).id, conversationId));
});

export const DELETE = botRoute<Params>(async (req, _ctx, { slug, conversationId }) => {
  const db = await getDb();
  const bot = await findBot(db, slug);
  checkOrigin(req, bot);
  if (!(await deleteConversation(db, bot.id, endUserOf(req, bot).id, conversationId))) throw conversationNotFound();
  return new Response(null, { status: 204 });
});
