import "server-only";
import type { Db } from "@/lib/db";
import { getActiveBotApiKey, touchBotApiKey } from "@/lib/db/queries/bot-api-keys";
import { getBotBySlug } from "@/lib/db/queries/bots";
import type { Bot, BotApiKey } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import { FreshCache } from "../fresh-cache";
import { parseBotApiKey, sameSecret, sha256 } from "./credentials";

/**
 * Finding the bot (by slug) and the bot API key of a request, the two reads on every public call.
 * Both are remembered for a moment, so a busy bot costs no round trip for them: a settings change,
 * publish or rollback takes effect at once on the instance that made it and within BOT_CACHE_MS
 * on the others; a revoked key within KEY_CACHE_MS (the same rule as workspace API keys).
 */
const BOT_CACHE_MS = 1_000;
const KEY_CACHE_MS = 5_000;
const bots = new FreshCache<Bot | null>(BOT_CACHE_MS);
const keys = new FreshCache<{ key: BotApiKey; bot: Bot } | null>(KEY_CACHE_MS);

export function forgetBot(slug: string): void {
  bots.delete(slug);
  keys.deleteWhere((entry) => entry?.bot.slug === slug);
}

export function forgetBotApiKey(id: string): void {
  keys.delete(id);
}

export const botNotFound = () => new AppError("not_found", { en: "There is no such bot.", zh: "找不到该机器人。" }, 404);

/** The enabled bot with this slug; 404 for an unknown or disabled one. */
export async function findBot(db: Db, slug: string): Promise<Bot> {
  const bot = await bots.get(slug, () => getBotBySlug(db, slug));
  if (!bot || !bot.enabled) throw botNotFound();
  return bot;
}

const invalidKey = () =>
  new AppError("invalid_api_key", { en: "The bot API key is missing, wrong or revoked.", zh: "机器人 API 密钥缺失、错误或已吊销。" }, 401);

/**
 * The key of `Authorization: Bearer tbk_…` and its bot. The id part finds the row; the secret's
 * SHA-256 is compared in constant time. An unknown id costs the same comparison as a wrong secret.
 */
export async function authenticateBotKey(db: Db, req: Request): Promise<{ key: BotApiKey; bot: Bot }> {
  const match = /^Bearer\s+(\S+)$/i.exec(req.headers.get("authorization")?.trim() ?? "");
  const parsed = match ? parseBotApiKey(match[1]) : null;
  if (!parsed) throw invalidKey();
  const digest = sha256(parsed.secret);
  const row = await keys.get(parsed.id, async () => {
    const found = await getActiveBotApiKey(db, parsed.id);
    if (found) void touchBotApiKey(db, found.key.id).catch(() => undefined);
    return found;
  });
  const ok = sameSecret(digest, row?.key.secretHash ?? "0".repeat(64));
  if (!row || !ok) throw invalidKey();
  if (!row.bot.enabled) throw botNotFound();
  return row;
}
