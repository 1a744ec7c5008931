import "server-only";
import { and, desc, eq, gt, isNull, sql } from "drizzle-orm";
import { AppError } from "@/lib/errors";
import type { Db } from "../client";
import { dbCall, pgErrorCode, pgErrorCodes, toDatabaseError } from "../errors";
import { invites, memberships, users, workspaces, type Invite, type Role, type User } from "../schema";
import { normalizeEmail } from "./accounts";

/**
 * Invitations to a workspace: a single-use link (its token stored as SHA-256) with a role and,
 * optionally, the one email address allowed to accept it.
 */

export type InviteSummary = Pick<Invite, "id" | "email" | "role" | "createdAt" | "expiresAt">;
const summary = { id: invites.id, email: invites.email, role: invites.role, createdAt: invites.createdAt, expiresAt: invites.expiresAt };
const pending = and(isNull(invites.acceptedAt), gt(invites.expiresAt, sql`now()`));

export const inviteInvalid = () =>
  new AppError("invite_invalid", { en: "This invitation is no longer valid. Ask the workspace owner for a new link.", zh: "该邀请已失效，请向工作区所有者索取新的链接。" }, 404);

export async function createInvite(
  db: Db,
  input: { workspaceId: string; tokenHash: string; email: string | null; role: Role; createdBy: string | null; expiresAt: Date },
): Promise<InviteSummary> {
  const rows = await dbCall("createInvite", () =>
    db
      .insert(invites)
      .values({ ...input, email: input.email ? normalizeEmail(input.email) : null })
      .returning(summary),
  );
  return rows[0];
}

export function listPendingInvites(db: Db, workspaceId: string): Promise<InviteSummary[]> {
  return dbCall("listPendingInvites", () =>
    db.select(summary).from(invites).where(and(eq(invites.workspaceId, workspaceId), pending)).orderBy(desc(invites.createdAt)),
  );
}

/** Revokes an invitation of the workspace; false when there is none with that id. */
export async function deleteInvite(db: Db, workspaceId: string, id: string): Promise<boolean> {
  const rows = await dbCall("deleteInvite", () =>
    db.delete(invites).where(and(eq(invites.workspaceId, workspaceId), eq(invites.id, id))).returning({ id: invites.id }),
  );
  return rows.length > 0;
}

/** A pending invitation with its workspace's name, or null. */
export async function getPendingInvite(db: Db, tokenHash: string): Promise<(InviteSummary & { workspaceId: string; workspaceName: string }) | null> {
  const rows = await dbCall("getPendingInvite", () =>
    db
      .select({ ...summary, workspaceId: invites.workspaceId, workspaceName: workspaces.name })
      .from(invites)
      .innerJoin(workspaces, eq(workspaces.id, invites.workspaceId))
      .where(and(eq(invites.tokenHash, tokenHash), pending))
      .limit(1),
  );
  return rows[0] ?? null;
}

/**
 * Accepts an invitation: marks it used (only if still pending, so a link works once even under
 * concurrent clicks) and creates the person with their membership, in one transaction.
 */
export async function acceptInvite(
  db: Db,
  input: { tokenHash: string; email: string; name: string; passwordHash: string },
): Promise<{ user: User; workspaceId: string }> {
  try {
    return await db.transaction(async (tx) => {
      const [invite] = await tx
        .update(invites)
        .set({ acceptedAt: sql`now()` })
        .where(and(eq(invites.tokenHash, input.tokenHash), pending))
        .returning();
      if (!invite) throw inviteInvalid();
      const email = normalizeEmail(input.email);
      if (invite.email && invite.email !== email) throw inviteInvalid();
      const [user] = await tx.insert(users).values({ email, name: input.name.trim(), passwordHash: input.passwordHash }).returning();
      await tx.insert(memberships).values({ workspaceId: invite.workspaceId, userId: user.id, role: invite.role });
      return { user, workspaceId: invite.workspaceId };
    });
  } catch (error) {
    if (error instanceof AppError) throw error;
    if (pgErrorCode(error) === pgErrorCodes.uniqueViolation) {
      throw new AppError("email_taken", { en: "An account with this email already exists.", zh: "该邮箱已有账号。" }, 409);
    }
    throw toDatabaseError("acceptInvite", error);
  }
}
