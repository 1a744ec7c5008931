import "server-only";
import type { Db } from "@/lib/db";
import { settleCalls } from "@/lib/db/queries/bot-counters";
import { saveTurns, type NewMessage } from "@/lib/db/queries/conversations";
import { coalesce } from "../coalesce";

/**
 * The writes a chat turn makes after its answer has started — its messages, the end of its
 * concurrency slot, the tokens it spent — merged with those of the other turns in progress
 * (lib/server/coalesce.ts), so fifty turns ending together cost a few statements, not fifty of each.
 * A call's slot and its tokens are settled by one statement at its end.
 */
export interface ChatWrites {
  /** A new conversation (if `conversation` is given) and messages; resolves once stored. */
  saveTurn(turn: Turn): Promise<void>;
  /** Frees a call's concurrency slot (if it had one) and adds the tokens it spent to `keys`' budgets. */
  settle(call: { activeRunId?: string; keys: string[]; day: number; tokens: number }): Promise<void>;
}

type Turn = {
  conversation?: { id: string; botId: string; endUserId: string; title: string };
  messages: NewMessage[];
  /** Mark the conversation as just used (false for an answer to the question that created it). */
  touch?: boolean;
};

const byDb = new WeakMap<Db, ChatWrites>();

export function chatWrites(db: Db): ChatWrites {
  let writes = byDb.get(db);
  if (!writes) {
    const turns = coalesce((items: Turn[]) =>
      saveTurns(db, {
        conversations: items.flatMap((t) => (t.conversation ? [t.conversation] : [])),
        messages: items.flatMap((t) => t.messages),
        touched: items.filter((t) => !t.conversation && t.touch !== false).flatMap((t) => t.messages.map((m) => m.conversationId)),
      }),
    );
    const settled = coalesce((calls: Parameters<ChatWrites["settle"]>[0][]) =>
      settleCalls(db, {
        activeRunIds: calls.flatMap((c) => (c.activeRunId ? [c.activeRunId] : [])),
        tokens: calls.flatMap((c) => (c.tokens > 0 ? c.keys.map((key) => ({ key, day: c.day, tokens: c.tokens })) : [])),
      }),
    );
    writes = { saveTurn: turns, settle: settled };
    byDb.set(db, writes);
  }
  return writes;
}
