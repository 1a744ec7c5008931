import "server-only";
import type { BotLimits } from "@/lib/bots/types";
import type { Db } from "@/lib/db";
import { admit, pruneCounters } from "@/lib/db/queries/bot-counters";
import { AppError } from "@/lib/errors";
import { chatWrites } from "./chat-writes";

/**
 * Rate limits, token budgets and the concurrency cap of a bot (C21), over the shared counters in
 * the database (lib/db/queries/bot-counters.ts): one round trip admits a call, the tokens it used
 * are added after the answer. Windows are fixed: a minute for requests, a UTC day for tokens.
 */

/** An AppError that tells the client when to come back (429 with Retry-After). */
export class LimitError extends AppError {
  constructor(code: string, message: { en: string; zh: string }, readonly retryAfterSeconds: number) {
    super(code, message, 429);
  }
}

export interface Caller {
  botId: string;
  ip: string;
  endUserId: string;
  /** Bot API key id and its own daily budget, for the bot API. */
  keyId?: string;
  keyDailyTokens?: number | null;
}

const minuteOf = (ms: number) => Math.floor(ms / 60_000);
const dayOf = (ms: number) => Math.floor(ms / 86_400_000);
/** A run older than this no longer counts as active (its process died without saying so). */
const STALE_RUN_SECONDS = 20 * 60;

function budgetKeys(caller: Caller, limits: BotLimits) {
  const keys: { key: string; limit: number; who: "bot" | "key" | "user" }[] = [];
  if (limits.dailyTokens > 0) keys.push({ key: `tok:bot:${caller.botId}`, limit: limits.dailyTokens, who: "bot" });
  if (caller.keyId && caller.keyDailyTokens) keys.push({ key: `tok:key:${caller.keyId}`, limit: caller.keyDailyTokens, who: "key" });
  if (limits.dailyTokensPerUser > 0) keys.push({ key: `tok:user:${caller.botId}:${caller.endUserId}`, limit: limits.dailyTokensPerUser, who: "user" });
  return keys;
}

function rateKeys(caller: Caller, limits: BotLimits) {
  const keys: { key: string; limit: number }[] = [];
  if (limits.rpmPerIp > 0) keys.push({ key: `rpm:ip:${caller.botId}:${caller.ip}`, limit: limits.rpmPerIp });
  if (caller.keyId && limits.rpmPerKey > 0) keys.push({ key: `rpm:key:${caller.keyId}`, limit: limits.rpmPerKey });
  if (limits.rpmPerUser > 0) keys.push({ key: `rpm:user:${caller.botId}:${caller.endUserId}`, limit: limits.rpmPerUser });
  return keys;
}

const budgetOwner = {
  bot: { en: "This bot's daily token budget", zh: "该机器人今日的 token 额度" },
  key: { en: "This API key's daily token budget", zh: "该 API 密钥今日的 token 额度" },
  user: { en: "Your daily token budget for this bot", zh: "你今日在该机器人上的 token 额度" },
};

export interface Admitted {
  /** Frees the concurrency slot; call once when the run ends. */
  release(): void;
  /** Adds the tokens the call used to every budget that applies (after the answer). */
  charge(tokens: number): void;
  /** release() and charge() in one write: the call is over and spent `tokens`. */
  end(tokens: number): void;
}

/**
 * Lets a call in or throws a LimitError: 429 `rate_limited` (requests per minute per IP, key,
 * end user), `budget_exhausted` (daily tokens per bot, key, end user; resets at 00:00 UTC) or
 * `busy` (too many runs of this bot at once).
 */
export async function admitCall(db: Db, caller: Caller, limits: BotLimits, now = Date.now()): Promise<Admitted> {
  const rates = rateKeys(caller, limits);
  const budgets = budgetKeys(caller, limits);
  const runId = crypto.randomUUID();
  const trackRun = limits.maxConcurrentRuns > 0;
  const minute = minuteOf(now);
  const day = dayOf(now);
  const admission = await admit(db, {
    hits: rates.map((r) => r.key),
    minute,
    budgets: budgets.map((b) => b.key),
    day,
    run: trackRun ? { id: runId, botId: caller.botId, staleAfterSeconds: STALE_RUN_SECONDS } : undefined,
  });
  const free = () => (trackRun ? void chatWrites(db).settle({ activeRunId: runId, keys: [], day, tokens: 0 }).catch(() => undefined) : undefined);
  const refuse = (error: LimitError): never => {
    free();
    throw error;
  };
  for (const rate of rates) {
    if ((admission.hits.get(rate.key) ?? 0) > rate.limit) {
      const retry = Math.max(1, Math.ceil(((minute + 1) * 60_000 - now) / 1000));
      refuse(
        new LimitError(
          "rate_limited",
          { en: `Too many requests; try again in ${retry} s.`, zh: `请求过于频繁，请 ${retry} 秒后再试。` },
          retry,
        ),
      );
    }
  }
  for (const budget of budgets) {
    if ((admission.spent.get(budget.key) ?? 0) >= budget.limit) {
      const retry = Math.max(1, Math.ceil(((day + 1) * 86_400_000 - now) / 1000));
      const who = budgetOwner[budget.who];
      refuse(
        new LimitError(
          "budget_exhausted",
          {
            en: `${who.en} is used up; it resets at 00:00 UTC (in ${Math.ceil(retry / 3600)} h).`,
            zh: `${who.zh}已用完，将于 UTC 零点（约 ${Math.ceil(retry / 3600)} 小时后）重置。`,
          },
          retry,
        ),
      );
    }
  }
  if (trackRun && admission.active >= limits.maxConcurrentRuns) {
    refuse(new LimitError("busy", { en: "The bot is busy answering others; try again in a few seconds.", zh: "机器人正忙，请几秒后再试。" }, 5));
  }
  let released = false;
  const settle = (tokens: number, freeSlot: boolean) => {
    const activeRunId = freeSlot && trackRun && !released ? runId : undefined;
    if (freeSlot) released = true;
    if (!activeRunId && tokens <= 0) return;
    const keys = budgetKeys(caller, limits).map((b) => b.key);
    void chatWrites(db)
      .settle({ activeRunId, keys, day: dayOf(Date.now()), tokens })
      .catch((error: unknown) => console.error("[trellis] could not record the end of a call", error));
    // Old windows are dropped now and then, by whichever process happens to roll the dice.
    if (tokens > 0 && Math.random() < 0.01) void pruneCounters(db, minuteOf(Date.now()) - 60, dayOf(Date.now()) - 2).catch(() => undefined);
  };
  return {
    release: () => settle(0, true),
    charge: (tokens) => settle(tokens, false),
    end: (tokens) => settle(tokens, true),
  };
}

export function messageTooLarge(max: number): AppError {
  return new AppError("message_too_large", { en: `The message is longer than ${max} characters.`, zh: `消息超过 ${max} 个字符。` }, 413);
}
