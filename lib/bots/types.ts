import { z } from "zod";

/**
 * A published bot's settings: what the owner edits on the publish page, what the public
 * configuration endpoint shows a part of, and what the chat service enforces. One zod object is
 * the source for the studio form, the PATCH validation and the stored JSON.
 *
 * @example const settings = readBotSettings({ title: "客服" }); // every other setting defaulted
 */

const ORIGIN_PATTERN = /^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?$|^https?:\/\/\[[0-9a-fA-F:]+\](:\d{1,5})?$/;

export const memorySchema = z.discriminatedUnion("mode", [
  z.object({ mode: z.literal("turns"), turns: z.number().int().min(0).max(50) }),
  z.object({ mode: z.literal("tokens"), tokens: z.number().int().min(0).max(200_000) }),
]);
export type MemorySetting = z.output<typeof memorySchema>;

const limitFields = {
  /** Longest message a caller may send (characters); longer → 413. */
  maxMessageChars: z.number().int().min(1).max(32_000),
  /** Cap on the tokens any model call of a run may produce (applied at run time, not to the graph). */
  maxOutputTokens: z.number().int().min(1).max(32_000),
  /** Requests per minute; 0 = no limit. */
  rpmPerIp: z.number().int().min(0).max(100_000),
  rpmPerKey: z.number().int().min(0).max(100_000),
  rpmPerUser: z.number().int().min(0).max(100_000),
  /** Runs of this bot at the same time (all callers); 0 = no limit. */
  maxConcurrentRuns: z.number().int().min(0).max(10_000),
  /** Tokens per UTC day; 0 = no budget. */
  dailyTokens: z.number().int().min(0).max(1_000_000_000),
  dailyTokensPerUser: z.number().int().min(0).max(1_000_000_000),
};

export const defaultLimits = {
  maxMessageChars: 4_000,
  maxOutputTokens: 1_024,
  rpmPerIp: 30,
  rpmPerKey: 600,
  rpmPerUser: 20,
  maxConcurrentRuns: 20,
  dailyTokens: 0,
  dailyTokensPerUser: 0,
} as const;

export const botLimitsSchema = z.object(limitFields);
export type BotLimits = z.output<typeof botLimitsSchema>;

export const botAccessModes = ["public", "code", "signed"] as const;
export type BotAccess = (typeof botAccessModes)[number];

const settingFields = {
  title: z.string().trim().min(1).max(100),
  /** An https URL or an emoji / short text shown in the avatar circle. */
  avatarUrl: z.string().max(500).nullable(),
  greeting: z.string().max(2_000),
  suggestedQuestions: z.array(z.string().trim().min(1).max(200)).max(6),
  themeColor: z.string().regex(/^#[0-9a-fA-F]{6}$/),
  language: z.enum(["zh", "en", "auto"]),
  access: z.enum(botAccessModes),
  /** Exact origins a page embedding the widget may have; empty: the widget works nowhere. */
  allowedOrigins: z.array(z.string().regex(ORIGIN_PATTERN, "An origin like https://example.com").max(200)).max(50),
  /** Whether the widget (embed page) is switched on; needs at least one allowed origin. */
  widgetEnabled: z.boolean(),
  memory: memorySchema,
};

const defaultSettings = {
  title: "Bot",
  avatarUrl: null,
  greeting: "",
  suggestedQuestions: [],
  themeColor: "#2563eb",
  language: "auto",
  access: "public",
  allowedOrigins: [],
  widgetEnabled: false,
  memory: { mode: "turns", turns: 6 },
} as const;

export const botSettingsSchema = z.object({ ...settingFields, limits: botLimitsSchema });
export type BotSettings = z.output<typeof botSettingsSchema>;

/** A change to some settings (and some limits); nothing is defaulted, absent means unchanged. */
export const botSettingsPatchSchema = z
  .object({ ...settingFields, limits: botLimitsSchema.partial().strict() })
  .partial()
  .strict();
export type BotSettingsPatch = z.output<typeof botSettingsPatchSchema>;

/** Stored settings completed with today's defaults (a setting added later reads its default). */
export function readBotSettings(stored: unknown): BotSettings {
  const value = (stored ?? {}) as Partial<BotSettings>;
  return botSettingsSchema.parse({ ...defaultSettings, ...value, limits: { ...defaultLimits, ...value.limits } });
}

export function defaultBotSettings(title: string): BotSettings {
  return readBotSettings({ title: title.trim().slice(0, 100) || "Bot" });
}

/**
 * What the studio sees of a bot: its settings, never the access code, the signing secret masked
 * unless revealed. `D` is Date on the server and the ISO string the browser receives.
 */
export interface BotView<D = Date> {
  id: string;
  flowId: string;
  slug: string;
  enabled: boolean;
  settings: BotSettings;
  hasAccessCode: boolean;
  signingSecret: string;
  activeRelease: number | null;
  createdAt: D;
  updatedAt: D;
}

/**
 * What anyone may learn about a bot: an allow-list of display settings and the input variables
 * of its start node (C10). Never the graph, node settings, provider, prompts or any secret.
 */
export interface PublicBotConfig {
  slug: string;
  title: string;
  avatarUrl: string | null;
  greeting: string;
  suggestedQuestions: string[];
  themeColor: string;
  language: "zh" | "en" | "auto";
  access: "public" | "code" | "signed";
  inputs: { name: string; label: string; type: "text" | "number" | "boolean"; required: boolean }[];
  release: number;
}

/** A passage an answer quotes, as shown under the answer. */
export interface Citation {
  index: number;
  documentName: string;
  knowledgeBaseName?: string;
  text: string;
  score?: number;
}

export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
}

export interface MessageFeedback {
  rating: "up" | "down";
  comment?: string;
}

export type MessageStatus = "ok" | "error" | "stopped";
