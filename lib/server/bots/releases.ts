import "server-only";
import type { Db } from "@/lib/db";
import { getRelease } from "@/lib/db/queries/bots";
import type { Bot } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import type { FlowDocument } from "@/lib/flow/schema";

/**
 * Releases are immutable once written, so a parsed release is cached by (bot, number) for the
 * life of the process: a republish or rollback changes which number is active, never what a
 * number holds. Only the number of entries is bounded.
 */
export interface LoadedRelease {
  botId: string;
  number: number;
  flowRevision: number;
  graph: FlowDocument;
}

const MAX_ENTRIES = 500;
const cache = new Map<string, Promise<LoadedRelease | null>>();

export function loadRelease(db: Db, botId: string, number: number): Promise<LoadedRelease | null> {
  const key = `${botId}:${number}`;
  let entry = cache.get(key);
  if (!entry) {
    entry = getRelease(db, botId, number).then((row) => (row ? { botId, number, flowRevision: row.flowRevision, graph: row.graph } : null));
    if (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value as string);
    cache.set(key, entry);
    // A failure or a missing row is not remembered: the next request asks the database again.
    entry.then((value) => (value ? undefined : cache.delete(key)), () => cache.delete(key));
  }
  return entry;
}

export const notPublished = () =>
  new AppError("not_published", { en: "This bot has no published version yet.", zh: "该机器人尚未发布任何版本。" }, 404);

/** The release a call runs: the pinned or requested one, else the bot's active one. */
export async function releaseFor(db: Db, bot: Bot, requested?: number | null): Promise<LoadedRelease> {
  const number = requested ?? bot.activeRelease;
  if (!number) throw notPublished();
  const release = await loadRelease(db, bot.id, number);
  if (!release) {
    throw new AppError("release_not_found", { en: `This bot has no version ${number}.`, zh: `该机器人没有版本 ${number}。` }, 404);
  }
  return release;
}
