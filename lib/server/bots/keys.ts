import "server-only";
import type { Db } from "@/lib/db";
import { createBotApiKey, listBotApiKeys, revokeBotApiKey, type BotApiKeySummary } from "@/lib/db/queries/bot-api-keys";
import { getRelease } from "@/lib/db/queries/bots";
import { AppError } from "@/lib/errors";
import { newBotApiKey } from "./credentials";
import { forgetBotApiKey } from "./lookup";
import { requireBot } from "./publish";

/** Bot API keys of a flow's bot: created (shown once), listed (never the secret), revoked. */
export async function createKey(
  db: Db,
  workspaceId: string,
  flowId: string,
  input: { name: string; dailyTokens: number | null; pinnedRelease: number | null; createdBy: string | null },
): Promise<{ key: string; apiKey: BotApiKeySummary }> {
  const bot = await requireBot(db, workspaceId, flowId);
  if (input.pinnedRelease !== null && !(await getRelease(db, bot.id, input.pinnedRelease))) {
    throw new AppError("release_not_found", { en: `This bot has no version ${input.pinnedRelease}.`, zh: `该机器人没有版本 ${input.pinnedRelease}。` }, 400);
  }
  const made = newBotApiKey();
  const apiKey = await createBotApiKey(db, { id: made.id, botId: bot.id, secretHash: made.secretHash, ...input });
  return { key: made.key, apiKey };
}

export async function listKeys(db: Db, workspaceId: string, flowId: string): Promise<BotApiKeySummary[]> {
  const bot = await requireBot(db, workspaceId, flowId);
  return listBotApiKeys(db, bot.id);
}

export async function revokeKey(db: Db, workspaceId: string, flowId: string, keyId: string): Promise<void> {
  const bot = await requireBot(db, workspaceId, flowId);
  if (!(await revokeBotApiKey(db, bot.id, keyId))) throw new AppError("not_found", { en: "API key not found.", zh: "找不到该 API 密钥。" }, 404);
  forgetBotApiKey(keyId);
}
