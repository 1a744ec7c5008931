import { sql, type InferSelectModel } from "drizzle-orm";
import { bigint, boolean, check, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import type { BotSettings, Citation, MessageFeedback, MessageStatus, TokenUsage } from "@/lib/bots/types";
import type { FlowDocument } from "@/lib/flow/schema";
// ./schema re-exports this module; the cycle is safe because `workspaces` and `flows` are only
// read lazily (inside the `references` thunks), after both modules have finished loading.
import { flows, workspaces } from "./schema";
import { createdAt, id, updatedAt } from "./columns";

/**
 * Published bots, their frozen releases, the conversations people have with them, bot API keys
 * and the shared counters behind rate limits and token budgets.
 *
 * - A bot belongs to one flow; `active_release` names the release every public surface runs.
 *   Releases are immutable once written, so a parsed release can be cached by (bot, number).
 * - Secrets: the access code is a scrypt hash; the signing secret is encrypted with the app key
 *   (the owner must be able to read it back); bot API keys are SHA-256 digests of 256-bit keys.
 * - `bot_counters` holds fixed-window counters (requests per minute, tokens per UTC day), bumped
 *   with one atomic upsert, so several app processes agree without another store.
 *
 * @example import { bots, botReleases, conversations, messages } from "@/lib/db/schema";
 */

export const bots = pgTable(
  "bots",
  {
    id: id(),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    flowId: text("flow_id")
      .notNull()
      .references(() => flows.id, { onDelete: "cascade" }),
    /** Random base62, carries no key material. */
    slug: text("slug").notNull(),
    enabled: boolean("enabled").notNull().default(true),
    settings: jsonb("settings").$type<BotSettings>().notNull(),
    /** scrypt hash of the access code (access = "code"); null: none set. */
    accessCodeHash: text("access_code_hash"),
    /** The HMAC secret host sites sign user ids with, encrypted (lib/security/secrets.ts). */
    signingSecretCiphertext: text("signing_secret_ciphertext").notNull(),
    activeRelease: integer("active_release"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex("bots_slug_uq").on(t.slug), uniqueIndex("bots_flow_uq").on(t.flowId), index("bots_workspace_idx").on(t.workspaceId)],
);

export const botReleases = pgTable(
  "bot_releases",
  {
    id: id(),
    botId: text("bot_id")
      .notNull()
      .references(() => bots.id, { onDelete: "cascade" }),
    number: integer("number").notNull(),
    /** The flow version this release froze (flow_versions.version). */
    flowVersion: integer("flow_version").notNull(),
    flowRevision: integer("flow_revision").notNull(),
    graph: jsonb("graph").$type<FlowDocument>().notNull(),
    notes: text("notes").notNull().default(""),
    createdBy: text("created_by"),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("bot_releases_bot_number_uq").on(t.botId, t.number)],
);

export const conversations = pgTable(
  "conversations",
  {
    id: id(),
    botId: text("bot_id")
      .notNull()
      .references(() => bots.id, { onDelete: "cascade" }),
    /** `anon:<uuid>`, `user:<host site id>` or `key:<bot key id>`. */
    endUserId: text("end_user_id").notNull(),
    title: text("title").notNull().default(""),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("conversations_owner_idx").on(t.botId, t.endUserId, t.updatedAt.desc())],
);

export const messages = pgTable(
  "messages",
  {
    id: id(),
    conversationId: text("conversation_id")
      .notNull()
      .references(() => conversations.id, { onDelete: "cascade" }),
    botId: text("bot_id").notNull(),
    role: text("role").$type<"user" | "assistant">().notNull(),
    content: text("content").notNull(),
    citations: jsonb("citations").$type<Citation[]>().notNull().default([]),
    runId: text("run_id"),
    releaseNumber: integer("release_number"),
    usage: jsonb("usage").$type<TokenUsage>(),
    feedback: jsonb("feedback").$type<MessageFeedback>(),
    status: text("status").$type<MessageStatus>().notNull().default("ok"),
    createdAt: createdAt(),
  },
  (t) => [
    index("messages_conversation_idx").on(t.conversationId, t.createdAt),
    check("messages_role_ck", sql`${t.role} in ('user', 'assistant')`),
    check("messages_status_ck", sql`${t.status} in ('ok', 'error', 'stopped')`),
  ],
);

export const botApiKeys = pgTable(
  "bot_api_keys",
  {
    /** Public part of `tbk_<id>_<secret>`, finds the row. */
    id: text("id").primaryKey(),
    botId: text("bot_id")
      .notNull()
      .references(() => bots.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    /** SHA-256 of the 256-bit secret part, hex. */
    secretHash: text("secret_hash").notNull(),
    /** Tokens per UTC day for this key; null = no key budget. */
    dailyTokens: integer("daily_tokens"),
    /** The release this key always runs; null = the active one. */
    pinnedRelease: integer("pinned_release"),
    createdBy: text("created_by"),
    createdAt: createdAt(),
    lastUsedAt: timestamp("last_used_at", { withTimezone: true }),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
  },
  (t) => [index("bot_api_keys_bot_idx").on(t.botId)],
);

export const botCounters = pgTable(
  "bot_counters",
  {
    /** What is counted: `rpm:ip:<bot>:<ip>`, `tok:bot:<bot>`, … (lib/server/bots/limits.ts). */
    key: text("key").notNull(),
    /** Minutes since the epoch for request counters, days for token budgets. */
    window: integer("window_start").notNull(),
    n: bigint("n", { mode: "number" }).notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.key, t.window] })],
);

/** Runs in progress, for the per-bot concurrency limit; rows of a crashed process age out. */
export const botActiveRuns = pgTable(
  "bot_active_runs",
  {
    id: text("id").primaryKey(),
    botId: text("bot_id").notNull(),
    startedAt: timestamp("started_at", { withTimezone: true }).defaultNow().notNull(),
  },
  (t) => [index("bot_active_runs_bot_idx").on(t.botId, t.startedAt)],
);

export type Bot = InferSelectModel<typeof bots>;
export type BotRelease = InferSelectModel<typeof botReleases>;
export type Conversation = InferSelectModel<typeof conversations>;
export type Message = InferSelectModel<typeof messages>;
export type BotApiKey = InferSelectModel<typeof botApiKeys>;
