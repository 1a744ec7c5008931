import "server-only";
import { and, desc, eq, isNull, sql } from "drizzle-orm";
import type { Db } from "../client";
import { dbCall } from "../errors";
import { botApiKeys, bots, type Bot, type BotApiKey } from "../schema";

/**
 * Bot API keys (`tbk_<id>_<secret>`): only the id and the SHA-256 of the secret are stored; the
 * full key is shown once, when it is created. Each key belongs to one bot.
 */

export type BotApiKeySummary = Pick<BotApiKey, "id" | "name" | "dailyTokens" | "pinnedRelease" | "createdAt" | "lastUsedAt">;
const summary = {
  id: botApiKeys.id,
  name: botApiKeys.name,
  dailyTokens: botApiKeys.dailyTokens,
  pinnedRelease: botApiKeys.pinnedRelease,
  createdAt: botApiKeys.createdAt,
  lastUsedAt: botApiKeys.lastUsedAt,
};

export async function createBotApiKey(
  db: Db,
  input: { id: string; botId: string; name: string; secretHash: string; dailyTokens: number | null; pinnedRelease: number | null; createdBy: string | null },
): Promise<BotApiKeySummary> {
  const rows = await dbCall("createBotApiKey", () => db.insert(botApiKeys).values(input).returning(summary));
  return rows[0];
}

export function listBotApiKeys(db: Db, botId: string): Promise<BotApiKeySummary[]> {
  return dbCall("listBotApiKeys", () =>
    db.select(summary).from(botApiKeys).where(and(eq(botApiKeys.botId, botId), isNull(botApiKeys.revokedAt))).orderBy(desc(botApiKeys.createdAt)),
  );
}

/** An active key with its bot, by the key's public id: one query on the API's hot path. */
export async function getActiveBotApiKey(db: Db, id: string): Promise<{ key: BotApiKey; bot: Bot } | null> {
  const rows = await dbCall("getActiveBotApiKey", () =>
    db
      .select({ key: botApiKeys, bot: bots })
      .from(botApiKeys)
      .innerJoin(bots, eq(bots.id, botApiKeys.botId))
      .where(and(eq(botApiKeys.id, id), isNull(botApiKeys.revokedAt)))
      .limit(1),
  );
  return rows[0] ?? null;
}

export async function revokeBotApiKey(db: Db, botId: string, id: string): Promise<boolean> {
  const rows = await dbCall("revokeBotApiKey", () =>
    db
      .update(botApiKeys)
      .set({ revokedAt: sql`now()` })
      .where(and(eq(botApiKeys.botId, botId), eq(botApiKeys.id, id), isNull(botApiKeys.revokedAt)))
      .returning({ id: botApiKeys.id }),
  );
  return rows.length > 0;
}

/** Records use, at most once a minute per key. */
export async function touchBotApiKey(db: Db, id: string): Promise<void> {
  await dbCall("touchBotApiKey", () =>
    db
      .update(botApiKeys)
      .set({ lastUsedAt: sql`now()` })
      .where(and(eq(botApiKeys.id, id), sql`(${botApiKeys.lastUsedAt} IS NULL OR ${botApiKeys.lastUsedAt} < now() - interval '1 minute')`)),
  );
}
