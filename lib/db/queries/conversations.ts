import "server-only";
import { and, desc, eq, inArray, sql } from "drizzle-orm";
import type { Citation, MessageFeedback, MessageStatus, TokenUsage } from "@/lib/bots/types";
import type { Db } from "../client";
import { dbCall } from "../errors";
import { jsonSafe } from "../json";
import { conversations, messages, type Conversation, type Message } from "../schema";

/**
 * Conversations with published bots. Every read and write names the bot *and* the end user, so
 * a conversation id alone never reaches another person's messages: a mismatch is "not found".
 */

export type ConversationSummary = Pick<Conversation, "id" | "title" | "updatedAt">;
export type PublicMessage = Pick<Message, "id" | "role" | "content" | "citations" | "runId" | "releaseNumber" | "usage" | "feedback" | "status" | "createdAt">;
const publicMessage = {
  id: messages.id,
  role: messages.role,
  content: messages.content,
  citations: messages.citations,
  runId: messages.runId,
  releaseNumber: messages.releaseNumber,
  usage: messages.usage,
  feedback: messages.feedback,
  status: messages.status,
  createdAt: messages.createdAt,
};

const owned = (botId: string, endUserId: string, id: string) =>
  and(eq(conversations.botId, botId), eq(conversations.endUserId, endUserId), eq(conversations.id, id));

export function listConversations(db: Db, botId: string, endUserId: string, limit = 100): Promise<ConversationSummary[]> {
  return dbCall("listConversations", () =>
    db
      .select({ id: conversations.id, title: conversations.title, updatedAt: conversations.updatedAt })
      .from(conversations)
      .where(and(eq(conversations.botId, botId), eq(conversations.endUserId, endUserId)))
      .orderBy(desc(conversations.updatedAt))
      .limit(limit),
  );
}

export async function getConversation(db: Db, botId: string, endUserId: string, id: string): Promise<ConversationSummary | null> {
  const rows = await dbCall("getConversation", () =>
    db.select({ id: conversations.id, title: conversations.title, updatedAt: conversations.updatedAt }).from(conversations).where(owned(botId, endUserId, id)).limit(1),
  );
  return rows[0] ?? null;
}

/** The conversation's messages, oldest first; null when it is not this end user's (of this bot). */
export async function getConversationMessages(db: Db, botId: string, endUserId: string, id: string): Promise<PublicMessage[] | null> {
  const rows = await dbCall("getConversationMessages", () =>
    db
      .select({ ...publicMessage, owner: conversations.id })
      .from(conversations)
      .leftJoin(messages, eq(messages.conversationId, conversations.id))
      .where(owned(botId, endUserId, id))
      .orderBy(messages.createdAt, messages.id),
  );
  if (!rows.length) return null;
  return rows.filter((row) => row.id !== null).map(({ owner: _owner, ...message }) => message as PublicMessage);
}

/**
 * The last `limit` messages that make up a conversation's history (role and content, oldest first),
 * or null when the conversation is not this end user's: one query on the chat's hot path.
 */
export async function getHistory(db: Db, botId: string, endUserId: string, id: string, limit: number): Promise<{ role: "user" | "assistant"; content: string }[] | null> {
  const result = await dbCall("getHistory", () =>
    db.execute<{ role: "user" | "assistant" | null; content: string | null; status: string | null }>(sql`
      SELECT m.role, m.content, m.status
      FROM ${conversations} c
      LEFT JOIN LATERAL (
        SELECT role, content, status, created_at, id FROM ${messages}
        WHERE conversation_id = c.id ORDER BY created_at DESC, id DESC LIMIT ${limit}
      ) m ON true
      WHERE c.bot_id = ${botId} AND c.end_user_id = ${endUserId} AND c.id = ${id}`),
  );
  if (!result.rows.length) return null;
  return result.rows
    .filter((row) => row.role !== null && row.status !== "error")
    .map((row) => ({ role: row.role as "user" | "assistant", content: row.content ?? "" }))
    .reverse();
}

export async function createConversation(db: Db, input: { id: string; botId: string; endUserId: string; title: string }): Promise<void> {
  await dbCall("createConversation", () => db.insert(conversations).values(input));
}

export interface NewMessage {
  id: string;
  conversationId: string;
  botId: string;
  role: "user" | "assistant";
  content: string;
  citations?: Citation[];
  runId?: string | null;
  releaseNumber?: number | null;
  usage?: TokenUsage | null;
  status?: MessageStatus;
  /** When the message was said (default: when it is stored). */
  createdAt?: Date;
}

/** Stores messages and marks the conversation as just used. */
export async function addMessages(db: Db, rows: NewMessage[]): Promise<void> {
  if (!rows.length) return;
  await dbCall("addMessages", async () => {
    await db.insert(messages).values(rows.map((row) => jsonSafe({ ...row, citations: row.citations ?? [] })));
    await db.update(conversations).set({ updatedAt: sql`now()` }).where(eq(conversations.id, rows[0].conversationId));
  });
}

/**
 * Stores the messages of many turns at once (the chat service merges the turns that end
 * together): new conversations first, then every message in one INSERT, then the `touched`
 * conversations are marked as just used. Messages carry their own `createdAt`, so a question
 * and its answer stored by one statement keep their order.
 * @example await saveTurns(db, { conversations: [{ id, botId, endUserId, title }], messages: [question, answer] });
 */
export async function saveTurns(
  db: Db,
  turns: { conversations: { id: string; botId: string; endUserId: string; title: string }[]; messages: NewMessage[]; /** Conversations to mark as just used. */ touched: string[] },
): Promise<void> {
  const touched = [...new Set(turns.touched)].filter((id) => !turns.conversations.some((c) => c.id === id));
  await dbCall("saveTurns", async () => {
    if (turns.conversations.length) await db.insert(conversations).values(turns.conversations);
    if (turns.messages.length) {
      // jsonSafe would turn the Date into a string: it cleans the text fields only.
      await db.insert(messages).values(turns.messages.map(({ createdAt, ...row }) => ({ ...jsonSafe({ ...row, citations: row.citations ?? [] }), ...(createdAt ? { createdAt } : {}) })));
    }
    if (touched.length) await db.update(conversations).set({ updatedAt: sql`now()` }).where(inArray(conversations.id, touched));
  });
}

export async function deleteConversation(db: Db, botId: string, endUserId: string, id: string): Promise<boolean> {
  const rows = await dbCall("deleteConversation", () => db.delete(conversations).where(owned(botId, endUserId, id)).returning({ id: conversations.id }));
  return rows.length > 0;
}

/** Sets or clears the feedback of an assistant message of this end user's conversation; false when it is not theirs. */
export async function setFeedback(db: Db, botId: string, endUserId: string, messageId: string, feedback: MessageFeedback | null): Promise<boolean> {
  const rows = await dbCall("setFeedback", () =>
    db
      .update(messages)
      .set({ feedback: feedback ? jsonSafe(feedback) : null })
      .where(
        and(
          eq(messages.id, messageId),
          eq(messages.botId, botId),
          eq(messages.role, "assistant"),
          sql`exists (select 1 from ${conversations} where ${conversations.id} = ${messages.conversationId} and ${conversations.botId} = ${botId} and ${conversations.endUserId} = ${endUserId})`,
        ),
      )
      .returning({ id: messages.id }),
  );
  return rows.length > 0;
}
