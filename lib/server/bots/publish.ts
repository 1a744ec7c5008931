import "server-only";
import { hashSecret } from "@/lib/auth/password";
import { botSettingsSchema, defaultBotSettings, readBotSettings, type BotSettings, type BotSettingsPatch } from "@/lib/bots/types";
import type { Db } from "@/lib/db";
import { activateRelease, createBot, createRelease, getBotByFlowId, listReleases, updateBot, type ReleaseSummary } from "@/lib/db/queries/bots";
import { createFlowVersion, getFlowById, getLatestFlowVersion } from "@/lib/db/queries/flows";
import type { Bot } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import { sameFlow } from "@/lib/flow/diff";
import type { Locale } from "@/lib/i18n/locale";
import { decryptSecret, encryptSecret, secretAad } from "@/lib/security/secrets";
import { requireValidFlow } from "../flow-graph";
import { notFound } from "../request";
import { forgetBot } from "./lookup";
import { newSigningSecret, newSlug } from "./credentials";

/** What the studio sees of a bot: its settings, never the access code, the signing secret masked unless revealed. */
export interface BotView {
  id: string;
  flowId: string;
  slug: string;
  enabled: boolean;
  settings: BotSettings;
  hasAccessCode: boolean;
  signingSecret: string;
  activeRelease: number | null;
  createdAt: Date;
  updatedAt: Date;
}

export function botView(bot: Bot, revealSecret = false): BotView {
  const secret = revealSecret ? decryptSecret(bot.signingSecretCiphertext, secretAad(bot.workspaceId, bot.id)) : "";
  return {
    id: bot.id,
    flowId: bot.flowId,
    slug: bot.slug,
    enabled: bot.enabled,
    settings: readBotSettings(bot.settings),
    hasAccessCode: Boolean(bot.accessCodeHash),
    signingSecret: revealSecret ? secret : "••••••••",
    activeRelease: bot.activeRelease,
    createdAt: bot.createdAt,
    updatedAt: bot.updatedAt,
  };
}

const flowNotFound = () => notFound({ en: "Flow", zh: "该流程" });
const botNotFound = () => new AppError("not_found", { en: "This flow has not been published yet.", zh: "该流程尚未发布。" }, 404);

export async function requireBot(db: Db, workspaceId: string, flowId: string): Promise<Bot> {
  const bot = await getBotByFlowId(db, workspaceId, flowId);
  if (!bot) throw botNotFound();
  return bot;
}

/**
 * Publishes the flow as it is saved: refuses (400, every problem listed) when it is invalid,
 * freezes it as a release (recorded as a flow version too, unless the latest version already
 * holds exactly this graph) and makes that release the one every public surface runs.
 * The bot is created at the first publish, with a random slug and signing secret.
 */
export async function publishFlow(
  db: Db,
  workspaceId: string,
  flowId: string,
  input: { notes: string; author: string | null; locale: Locale },
): Promise<{ bot: BotView; release: ReleaseSummary }> {
  const flow = await getFlowById(db, workspaceId, flowId);
  if (!flow) throw flowNotFound();
  const graph = requireValidFlow(flow.graph, input.locale);
  let bot = await getBotByFlowId(db, workspaceId, flowId);
  if (!bot) {
    const id = crypto.randomUUID();
    bot = await createBot(db, {
      id,
      workspaceId,
      flowId,
      slug: newSlug(),
      settings: defaultBotSettings(flow.name),
      signingSecretCiphertext: encryptSecret(newSigningSecret(), secretAad(workspaceId, id)),
    });
  }
  const latest = await getLatestFlowVersion(db, flowId);
  const version =
    latest && sameFlow(latest.graph, graph)
      ? latest
      : await createFlowVersion(db, flowId, { graph, note: input.notes || "Published", author: input.author });
  const release = await createRelease(db, workspaceId, bot.id, {
    graph,
    flowVersion: version.version,
    flowRevision: flow.revision,
    notes: input.notes,
    createdBy: input.author,
  });
  forgetBot(bot.slug);
  const { graph: _graph, botId: _botId, flowRevision: _revision, ...summary } = release;
  return { bot: botView({ ...bot, activeRelease: release.number }), release: summary };
}

export async function getBotWithReleases(db: Db, workspaceId: string, flowId: string, reveal: boolean): Promise<{ bot: BotView; releases: ReleaseSummary[] }> {
  const bot = await requireBot(db, workspaceId, flowId);
  return { bot: botView(bot, reveal), releases: await listReleases(db, bot.id) };
}

export const allowedOriginsRequired = () =>
  new AppError(
    "allowed_origins_required",
    {
      en: "The widget needs at least one allowed site (an origin like https://example.com) before it can be switched on.",
      zh: "开启挂件前，请至少填写一个允许嵌入的网站（如 https://example.com）。",
    },
    400,
  );

export interface BotPatch {
  settings?: BotSettingsPatch;
  enabled?: boolean;
  /** A new access code; null removes it. */
  accessCode?: string | null;
  rotateSigningSecret?: boolean;
}

/** Saves settings; enabling the widget with no allowed origin is refused (C17). */
export async function updateBotSettings(db: Db, workspaceId: string, flowId: string, patch: BotPatch): Promise<BotView> {
  const bot = await requireBot(db, workspaceId, flowId);
  const current = readBotSettings(bot.settings);
  const settings = botSettingsSchema.parse({ ...current, ...patch.settings, limits: { ...current.limits, ...patch.settings?.limits } });
  if (settings.widgetEnabled && settings.allowedOrigins.length === 0) throw allowedOriginsRequired();
  const accessCode = patch.accessCode ?? (patch.accessCode === null ? null : undefined);
  if (settings.access === "code" && !bot.accessCodeHash && !accessCode) {
    throw new AppError("access_code_required", { en: "Set an access code to make the bot code-only.", zh: "设为凭访问码使用前，请先设置访问码。" }, 400);
  }
  const updated = await updateBot(db, workspaceId, bot.id, {
    settings,
    enabled: patch.enabled,
    accessCodeHash: accessCode === undefined ? undefined : accessCode === null ? null : await hashSecret(accessCode),
    signingSecretCiphertext: patch.rotateSigningSecret ? encryptSecret(newSigningSecret(), secretAad(workspaceId, bot.id)) : undefined,
  });
  if (!updated) throw botNotFound();
  forgetBot(bot.slug);
  return botView(updated, Boolean(patch.rotateSigningSecret));
}

/** Rollback (or roll forward): every public surface runs release `number` from now on. */
export async function activateBotRelease(db: Db, workspaceId: string, flowId: string, number: number): Promise<BotView> {
  const bot = await requireBot(db, workspaceId, flowId);
  if (!(await activateRelease(db, workspaceId, bot.id, number))) {
    throw new AppError("release_not_found", { en: `This bot has no version ${number}.`, zh: `该机器人没有版本 ${number}。` }, 404);
  }
  forgetBot(bot.slug);
  return botView({ ...bot, activeRelease: number });
}

export type { ReleaseSummary };

/** Deleting a published flow takes its bot offline: refused (409) unless the caller insists. */
export async function refuseIfPublished(db: Db, workspaceId: string, flowId: string): Promise<void> {
  const bot = await getBotByFlowId(db, workspaceId, flowId);
  if (!bot) return;
  throw new AppError(
    "flow_published",
    {
      en: "This flow is published as a bot: deleting it takes the bot, its conversations and API keys offline for good.",
      zh: "该流程已发布为机器人：删除后，机器人及其对话和 API 密钥将永久停用。",
    },
    409,
  );
}
