import "server-only";
import { and, desc, eq, isNull, sql } from "drizzle-orm";
import type { Db } from "../client";
import { dbCall } from "../errors";
import { apiKeys, type ApiKey, type Role } from "../schema";

/**
 * Workspace API keys. Only the id (the public part of `trl_<id>_<secret>`) and a scrypt hash of
 * the secret are stored; the full key is shown once, when it is created.
 */

export type ApiKeySummary = Pick<ApiKey, "id" | "name" | "role" | "createdAt" | "lastUsedAt">;
const summary = { id: apiKeys.id, name: apiKeys.name, role: apiKeys.role, createdAt: apiKeys.createdAt, lastUsedAt: apiKeys.lastUsedAt };

export async function createApiKey(
  db: Db,
  input: { id: string; workspaceId: string; name: string; role: Extract<Role, "editor" | "viewer">; secretHash: string; createdBy: string | null },
): Promise<ApiKeySummary> {
  const rows = await dbCall("createApiKey", () => db.insert(apiKeys).values(input).returning(summary));
  return rows[0];
}

export function listApiKeys(db: Db, workspaceId: string): Promise<ApiKeySummary[]> {
  return dbCall("listApiKeys", () =>
    db.select(summary).from(apiKeys).where(and(eq(apiKeys.workspaceId, workspaceId), isNull(apiKeys.revokedAt))).orderBy(desc(apiKeys.createdAt)),
  );
}

/** A key that is not revoked, by its public id (any workspace: the key itself names it). */
export async function getActiveApiKey(db: Db, id: string): Promise<ApiKey | null> {
  const rows = await dbCall("getActiveApiKey", () => db.select().from(apiKeys).where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt))).limit(1));
  return rows[0] ?? null;
}

/** Revokes a key of the workspace; false when there is no such active key. */
export async function revokeApiKey(db: Db, workspaceId: string, id: string): Promise<boolean> {
  const rows = await dbCall("revokeApiKey", () =>
    db
      .update(apiKeys)
      .set({ revokedAt: sql`now()` })
      .where(and(eq(apiKeys.workspaceId, workspaceId), eq(apiKeys.id, id), isNull(apiKeys.revokedAt)))
      .returning({ id: apiKeys.id }),
  );
  return rows.length > 0;
}

/** Records use, at most once a minute per key (the write is skipped when it is fresh). */
export async function touchApiKey(db: Db, id: string): Promise<void> {
  await dbCall("touchApiKey", () =>
    db
      .update(apiKeys)
      .set({ lastUsedAt: sql`now()` })
      .where(and(eq(apiKeys.id, id), sql`(${apiKeys.lastUsedAt} IS NULL OR ${apiKeys.lastUsedAt} < now() - interval '1 minute')`)),
  );
}
