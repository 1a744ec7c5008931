import "server-only";
import type { Db } from "@/lib/db";
import { getConversation, getConversationMessages, setFeedback, type ConversationSummary, type PublicMessage } from "@/lib/db/queries/conversations";
import { AppError } from "@/lib/errors";
import { conversationNotFound } from "./chat";

/** A conversation of this end user with this bot and its messages; 404 for anyone else's. */
export async function readConversation(db: Db, botId: string, endUserId: string, id: string): Promise<{ conversation: ConversationSummary; messages: PublicMessage[] }> {
  const [conversation, messages] = await Promise.all([getConversation(db, botId, endUserId, id), getConversationMessages(db, botId, endUserId, id)]);
  if (!conversation || !messages) throw conversationNotFound();
  return { conversation, messages };
}

export async function saveFeedback(db: Db, botId: string, endUserId: string, messageId: string, body: { rating: "up" | "down" | null; comment?: string }): Promise<void> {
  const feedback = body.rating ? { rating: body.rating, ...(body.comment ? { comment: body.comment } : {}) } : null;
  if (!(await setFeedback(db, botId, endUserId, messageId, feedback))) {
    throw new AppError("not_found", { en: "Message not found.", zh: "找不到该消息。" }, 404);
  }
}
