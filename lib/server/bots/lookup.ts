import "server-only";
import type { Db } from "@/lib/db";
import { getActiveBotApiKey, touchBotApiKey } from "@/lib/db/queries/bot-api-keys";
import { getBotBySlug } from "@/lib/db/queries/bots";
import type { Bot, BotApiKey } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import { parseBotApiKey, sameSecret, sha256 } from "./credentials";

/**
 * Finding the bot (by slug) and the bot API key of a request, the two reads on every public call.
 * Both are remembered for a moment, so a busy bot costs no round trip for them: a settings change,
 * publish or rollback takes effect at once on the instance that made it and within BOT_CACHE_MS
 * on the others; a revoked key within KEY_CACHE_MS (the same rule as workspace API keys).
 */
const BOT_CACHE_MS = 1_000;
const KEY_CACHE_MS = 5_000;
const bots = new Map<string, { bot: Bot | null; until: number }>();
const keys = new Map<string, { key: BotApiKey; bot: Bot; until: number }>();

export function forgetBot(slug: string): void {
  bots.delete(slug);
  for (const [id, entry] of keys) if (entry.bot.slug === slug) keys.delete(id);
}

export function forgetBotApiKey(id: string): void {
  keys.delete(id);
}

export const botNotFound = () => new AppError("not_found", { en: "There is no such bot.", zh: "找不到该机器人。" }, 404);

/** The enabled bot with this slug; 404 for an unknown or disabled one. */
export async function findBot(db: Db, slug: string): Promise<Bot> {
  const now = Date.now();
  const cached = bots.get(slug);
  let bot: Bot | null;
  if (cached && cached.until > now) bot = cached.bot;
  else {
    bot = await getBotBySlug(db, slug);
    if (bots.size > 5_000) bots.clear();
    bots.set(slug, { bot, until: now + BOT_CACHE_MS });
  }
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
  const now = Date.now();
  const cached = keys.get(parsed.id);
  if (cached && cached.until > now && sameSecret(digest, cached.key.secretHash)) return cached;
  const row = await getActiveBotApiKey(db, parsed.id);
  const ok = sameSecret(digest, row?.key.secretHash ?? "0".repeat(64));
  if (!row || !ok) throw invalidKey();
  if (!row.bot.enabled) throw botNotFound();
  void touchBotApiKey(db, row.key.id).catch(() => undefined);
  if (keys.size > 5_000) keys.clear();
  keys.set(parsed.id, { ...row, until: now + KEY_CACHE_MS });
  return row;
}
