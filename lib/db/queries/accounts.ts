import "server-only";
import { and, asc, eq, gt, lt, sql } from "drizzle-orm";
import { AppError } from "@/lib/errors";
import type { Db } from "../client";
import { dbCall, pgErrorCode, pgErrorCodes, toDatabaseError } from "../errors";
import { memberships, sessions, users, workspaces, type Role, type User } from "../schema";

/**
 * People, memberships and sessions. A person belongs to a workspace through a membership with a
 * role; every session is bound to one workspace, and everything a request may see is scoped by
 * that workspace id (lib/server/auth.ts).
 */

export interface Account {
  user: Pick<User, "id" | "email" | "name" | "locale">;
  workspace: { id: string; name: string };
  role: Role;
}

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

const emailTaken = () =>
  new AppError("email_taken", { en: "An account with this email already exists.", zh: "该邮箱已有账号。" }, 409);

export async function countUsers(db: Db): Promise<number> {
  const rows = await dbCall("countUsers", () => db.select({ n: sql<number>`count(*)::int` }).from(users));
  return rows[0]?.n ?? 0;
}

export async function getUserByEmail(db: Db, email: string): Promise<User | null> {
  const rows = await dbCall("getUserByEmail", () => db.select().from(users).where(eq(users.email, normalizeEmail(email))).limit(1));
  return rows[0] ?? null;
}

/** The person's first workspace (the one they joined first) with their role in it, or null. */
export async function getAccountForUser(db: Db, userId: string): Promise<Account | null> {
  const rows = await dbCall("getAccountForUser", () =>
    db
      .select({ id: users.id, email: users.email, name: users.name, locale: users.locale, role: memberships.role, workspaceId: workspaces.id, workspaceName: workspaces.name })
      .from(users)
      .innerJoin(memberships, eq(memberships.userId, users.id))
      .innerJoin(workspaces, eq(workspaces.id, memberships.workspaceId))
      .where(eq(users.id, userId))
      .orderBy(asc(memberships.createdAt))
      .limit(1),
  );
  const row = rows[0];
  if (!row) return null;
  return { user: { id: row.id, email: row.email, name: row.name, locale: row.locale }, workspace: { id: row.workspaceId, name: row.workspaceName }, role: row.role };
}

/**
 * Creates a person with a membership, in one transaction. With `onlyIfNoUsers` the table is
 * locked first and the insert refused when anybody exists already, so two racing set-up
 * requests cannot both become owner.
 * @example await createUserWithMembership(db, { email, name, passwordHash, workspaceId: "local", role: "owner", onlyIfNoUsers: true });
 */
export async function createUserWithMembership(
  db: Db,
  input: { email: string; name: string; passwordHash: string; workspaceId: string; role: Role; onlyIfNoUsers?: boolean; locale?: string | null },
): Promise<User | null> {
  try {
    return await db.transaction(async (tx) => {
      if (input.onlyIfNoUsers) {
        await tx.execute(sql`LOCK TABLE ${users} IN EXCLUSIVE MODE`);
        const existing = await tx.select({ n: sql<number>`count(*)::int` }).from(users);
        if ((existing[0]?.n ?? 0) > 0) return null;
      }
      const [user] = await tx
        .insert(users)
        .values({ email: normalizeEmail(input.email), name: input.name.trim(), passwordHash: input.passwordHash, locale: input.locale ?? null })
        .returning();
      await tx.insert(memberships).values({ workspaceId: input.workspaceId, userId: user.id, role: input.role });
      return user;
    });
  } catch (error) {
    if (pgErrorCode(error) === pgErrorCodes.uniqueViolation) throw emailTaken();
    throw toDatabaseError("createUserWithMembership", error);
  }
}

export async function updateUser(db: Db, userId: string, patch: { name?: string; locale?: string | null }): Promise<void> {
  const values: Partial<Pick<User, "name" | "locale">> = {};
  if (patch.name !== undefined) values.name = patch.name.trim();
  if (patch.locale !== undefined) values.locale = patch.locale;
  if (Object.keys(values).length === 0) return;
  await dbCall("updateUser", () => db.update(users).set(values).where(eq(users.id, userId)));
}

export interface MemberRow {
  userId: string;
  email: string;
  name: string;
  role: Role;
  createdAt: Date;
}

export function listMembers(db: Db, workspaceId: string): Promise<MemberRow[]> {
  return dbCall("listMembers", () =>
    db
      .select({ userId: users.id, email: users.email, name: users.name, role: memberships.role, createdAt: memberships.createdAt })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(eq(memberships.workspaceId, workspaceId))
      .orderBy(asc(memberships.createdAt), users.email),
  );
}

const lastOwner = () =>
  new AppError("last_owner", { en: "A workspace needs at least one owner: make someone else owner first.", zh: "工作区至少需要一位所有者：请先将其他成员设为所有者。" }, 409);
const memberNotFound = () => new AppError("not_found", { en: "Member not found.", zh: "找不到该成员。" }, 404);

/**
 * Changes a member's role, or removes them (role null), refusing to leave the workspace without
 * an owner. Runs in a transaction that locks the workspace's memberships, so two owners demoting
 * each other at once cannot both succeed.
 */
export async function changeMembership(db: Db, workspaceId: string, userId: string, role: Role | null): Promise<MemberRow | null> {
  return dbCall("changeMembership", () =>
    db.transaction(async (tx) => {
      const rows = await tx.select().from(memberships).where(eq(memberships.workspaceId, workspaceId)).for("update");
      const target = rows.find((m) => m.userId === userId);
      if (!target) throw memberNotFound();
      const ownersAfter = rows.filter((m) => (m.userId === userId ? role === "owner" : m.role === "owner")).length;
      if (ownersAfter === 0) throw lastOwner();
      if (role === null) {
        await tx.delete(memberships).where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.userId, userId)));
        // Their sessions in this workspace end with the membership.
        await tx.delete(sessions).where(and(eq(sessions.workspaceId, workspaceId), eq(sessions.userId, userId)));
        return null;
      }
      await tx.update(memberships).set({ role }).where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.userId, userId)));
      const [member] = await tx
        .select({ userId: users.id, email: users.email, name: users.name, role: memberships.role, createdAt: memberships.createdAt })
        .from(memberships)
        .innerJoin(users, eq(users.id, memberships.userId))
        .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.userId, userId)));
      return member;
    }),
  );
}

// ---------------------------------------------------------------------------------- sessions

export async function createSession(db: Db, input: { tokenHash: string; userId: string; workspaceId: string; expiresAt: Date }): Promise<void> {
  await dbCall("createSession", () => db.insert(sessions).values(input));
}

/** The account behind a live session in its workspace; null when expired, unknown or the membership is gone. */
export async function getSessionAccount(db: Db, tokenHash: string): Promise<(Account & { expiresAt: Date }) | null> {
  const rows = await dbCall("getSessionAccount", () =>
    db
      .select({
        id: users.id,
        email: users.email,
        name: users.name,
        locale: users.locale,
        role: memberships.role,
        workspaceId: workspaces.id,
        workspaceName: workspaces.name,
        expiresAt: sessions.expiresAt,
      })
      .from(sessions)
      .innerJoin(users, eq(users.id, sessions.userId))
      .innerJoin(memberships, and(eq(memberships.userId, sessions.userId), eq(memberships.workspaceId, sessions.workspaceId)))
      .innerJoin(workspaces, eq(workspaces.id, sessions.workspaceId))
      .where(and(eq(sessions.tokenHash, tokenHash), gt(sessions.expiresAt, sql`now()`)))
      .limit(1),
  );
  const row = rows[0];
  if (!row) return null;
  return {
    user: { id: row.id, email: row.email, name: row.name, locale: row.locale },
    workspace: { id: row.workspaceId, name: row.workspaceName },
    role: row.role,
    expiresAt: row.expiresAt,
  };
}

export async function deleteSession(db: Db, tokenHash: string): Promise<void> {
  await dbCall("deleteSession", () => db.delete(sessions).where(eq(sessions.tokenHash, tokenHash)));
}

export async function deleteExpiredSessions(db: Db): Promise<void> {
  await dbCall("deleteExpiredSessions", () => db.delete(sessions).where(lt(sessions.expiresAt, sql`now()`)));
}

