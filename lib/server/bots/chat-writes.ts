import "server-only";
import type { Db } from "@/lib/db";
import { addTokensMany, finishActiveRuns } from "@/lib/db/queries/bot-counters";
import { saveTurns, type NewMessage } from "@/lib/db/queries/conversations";
import { coalesce } from "../coalesce";

/**
 * The writes a chat turn makes after its answer has started — its messages, the end of its
 * concurrency slot, the tokens it spent — merged with those of the other turns in progress
 * (lib/server/coalesce.ts), so fifty turns ending together cost a few statements, not fifty of each.
 */
export interface ChatWrites {
  /** A new conversation (if `conversation` is given) and messages; resolves once stored. */
  saveTurn(turn: { conversation?: { id: string; botId: string; endUserId: string; title: string }; messages: NewMessage[] }): Promise<void>;
  endRun(activeRunId: string): Promise<void>;
  addTokens(keys: string[], day: number, tokens: number): Promise<void>;
}

const byDb = new WeakMap<Db, ChatWrites>();

export function chatWrites(db: Db): ChatWrites {
  let writes = byDb.get(db);
  if (!writes) {
    const turns = coalesce((items: Parameters<ChatWrites["saveTurn"]>[0][]) =>
      saveTurns(db, { conversations: items.flatMap((t) => (t.conversation ? [t.conversation] : [])), messages: items.flatMap((t) => t.messages) }),
    );
    const ends = coalesce((ids: string[]) => finishActiveRuns(db, ids));
    const spent = coalesce((entries: { key: string; day: number; tokens: number }[]) => addTokensMany(db, entries));
    writes = {
      saveTurn: turns,
      endRun: ends,
      addTokens: (keys, day, tokens) => (tokens > 0 ? Promise.all(keys.map((key) => spent({ key, day, tokens }))).then(() => undefined) : Promise.resolve()),
    };
    byDb.set(db, writes);
  }
  return writes;
}
