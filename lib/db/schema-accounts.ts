import { sql, type InferSelectModel } from "drizzle-orm";
import { check, index, pgTable, primaryKey, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
// ./schema re-exports this module; the cycle is safe because `workspaces` is only read lazily
// (inside the `references` thunks), after both modules have finished loading.
import { workspaces } from "./schema";
import { createdAt, id } from "./columns";

/**
 * People, their sessions and the workspace keys. Secrets are never stored as given:
 * passwords and API-key secrets as scrypt hashes with their own salt (lib/auth/password.ts),
 * session and invitation tokens as SHA-256 digests (they are 256-bit random, so a fast hash is
 * enough and a stolen table row cannot be replayed as a cookie or a link).
 *
 * @example
 * import { users, memberships, type User } from "@/lib/db/schema";
 */


export const roles = ["owner", "editor", "viewer"] as const;
export type Role = (typeof roles)[number];
const roleCheck = (column: string) => sql.raw(`"${column}" IN ('owner', 'editor', 'viewer')`);

export const users = pgTable(
  "users",
  {
    id: id(),
    /** Lower-cased and trimmed on the way in, so look-ups are exact. */
    email: text("email").notNull(),
    name: text("name").notNull(),
    passwordHash: text("password_hash").notNull(),
    /** The language the person chose in the studio; null: follow the browser. */
    locale: text("locale"),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("users_email_uq").on(t.email), check("users_locale_ck", sql`${t.locale} IS NULL OR ${t.locale} IN ('en', 'zh')`)],
);

export const memberships = pgTable(
  "memberships",
  {
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    role: text("role").$type<Role>().notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.userId] }), index("memberships_user_idx").on(t.userId), check("memberships_role_ck", roleCheck("role"))],
);

export const sessions = pgTable(
  "sessions",
  {
    /** SHA-256 of the cookie's token, hex. */
    tokenHash: text("token_hash").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
  },
  (t) => [index("sessions_user_idx").on(t.userId), index("sessions_expires_idx").on(t.expiresAt)],
);

export const invites = pgTable(
  "invites",
  {
    id: id(),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    /** SHA-256 of the link's token, hex. */
    tokenHash: text("token_hash").notNull(),
    /** When set, only this address can accept. */
    email: text("email"),
    role: text("role").$type<Role>().notNull(),
    createdBy: text("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    acceptedAt: timestamp("accepted_at", { withTimezone: true }),
  },
  (t) => [uniqueIndex("invites_token_uq").on(t.tokenHash), index("invites_workspace_idx").on(t.workspaceId), check("invites_role_ck", roleCheck("role"))],
);

export const apiKeys = pgTable(
  "api_keys",
  {
    /** Public part of the key (`trl_<id>_<secret>`), used to find the row; 12 random base32 chars. */
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    role: text("role").$type<Role>().notNull(),
    /** scrypt hash of the secret part, with its own salt (lib/auth/password.ts format). */
    secretHash: text("secret_hash").notNull(),
    createdBy: text("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
    lastUsedAt: timestamp("last_used_at", { withTimezone: true }),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
  },
  (t) => [index("api_keys_workspace_idx").on(t.workspaceId), check("api_keys_role_ck", sql`${t.role} IN ('editor', 'viewer')`)],
);

export type User = InferSelectModel<typeof users>;
export type Session = InferSelectModel<typeof sessions>;
export type Invite = InferSelectModel<typeof invites>;
export type ApiKey = InferSelectModel<typeof apiKeys>;
