import "server-only";
import { z } from "zod";
import { API_KEY_COST, decoyHash, hashSecret, verifySecret } from "@/lib/auth/password";
import { FailureLimiter } from "@/lib/auth/rate-limit";
import { newApiKey, newToken, tokenHash } from "@/lib/auth/tokens";
import type { Db } from "@/lib/db/client";
import {
  countUsers,
  createSession,
  createUserWithMembership,
  deleteExpiredSessions,
  getAccountForUser,
  getUserByEmail,
  type Account,
} from "@/lib/db/queries/accounts";
import { createApiKey } from "@/lib/db/queries/api-keys";
import { acceptInvite, createInvite, getPendingInvite, inviteInvalid } from "@/lib/db/queries/invites";
import { LOCAL_WORKSPACE_ID, roles, type Role } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import { SESSION_DAYS } from "@/lib/auth/session-cookie";

/**
 * Account operations behind the thin auth routes: owner set-up, login, invitations, API keys.
 * Returns data and tokens; setting cookies is the route's job (lib/server/auth.ts helpers).
 */

export const MIN_PASSWORD = 8;
const email = z.string().trim().toLowerCase().email().max(254);
const password = z.string().min(MIN_PASSWORD).max(512);
const name = z.string().trim().min(1).max(80);

export const setupSchema = z.object({ email, name, password });
export const loginSchema = z.object({ email: z.string().trim().max(254), password: z.string().max(512) });
export const acceptInviteSchema = z.object({ name, password, email: email.optional() });
export const inviteSchema = z.object({ email: email.optional().nullable(), role: z.enum(roles) });
export const apiKeySchema = z.object({ name, role: z.enum(["editor", "viewer"]) });
export const updateMeSchema = z.object({ name: name.optional(), locale: z.enum(["en", "zh"]).nullable().optional() });
export const memberRoleSchema = z.object({ role: z.enum(roles) });

export interface UserView {
  id: string;
  email: string;
  name: string;
  role: Role;
  locale: "en" | "zh" | null;
}

export function userView(account: Account): UserView {
  const locale = account.user.locale === "en" || account.user.locale === "zh" ? account.user.locale : null;
  return { id: account.user.id, email: account.user.email, name: account.user.name, role: account.role, locale };
}

/** Starts a session for a person in their workspace; returns the cookie's token. */
async function startSession(db: Db, userId: string, workspaceId: string): Promise<string> {
  const { token, hash } = newToken();
  await createSession(db, { tokenHash: hash, userId, workspaceId, expiresAt: new Date(Date.now() + SESSION_DAYS * 86_400_000) });
  // Housekeeping on the side: logins are rare enough to carry it.
  void deleteExpiredSessions(db).catch(() => undefined);
  return token;
}

async function accountOrThrow(db: Db, userId: string): Promise<Account> {
  const account = await getAccountForUser(db, userId);
  if (!account) throw new AppError("internal", { en: "The account has no workspace.", zh: "该账号没有所属的工作区。" }, 500);
  return account;
}

export async function setupRequired(db: Db): Promise<boolean> {
  return (await countUsers(db)) === 0;
}

/** Creates the first account, the owner of the installation's workspace; refused once anyone exists. */
export async function setupOwner(db: Db, input: z.infer<typeof setupSchema>): Promise<{ account: Account; token: string }> {
  const user = await createUserWithMembership(db, {
    ...input,
    passwordHash: await hashSecret(input.password),
    workspaceId: LOCAL_WORKSPACE_ID,
    role: "owner",
    onlyIfNoUsers: true,
  });
  if (!user) throw new AppError("already_set_up", { en: "Trellis already has an owner. Log in instead.", zh: "Trellis 已有所有者账号，请直接登录。" }, 409);
  return { account: await accountOrThrow(db, user.id), token: await startSession(db, user.id, LOCAL_WORKSPACE_ID) };
}

// Ten wrong passwords per address, or fifty per client, in 15 minutes: then wait.
const perEmail = new FailureLimiter({ max: 10, windowMs: 15 * 60_000 });
const perClient = new FailureLimiter({ max: 50, windowMs: 15 * 60_000 });

const invalidCredentials = () =>
  new AppError("invalid_credentials", { en: "The email or password is wrong.", zh: "邮箱或密码不正确。" }, 401);

function tooMany(ms: number): AppError {
  const minutes = Math.max(1, Math.ceil(ms / 60_000));
  return new AppError(
    "too_many_attempts",
    { en: `Too many failed logins. Try again in ${minutes} minute(s).`, zh: `登录失败次数过多，请 ${minutes} 分钟后再试。` },
    429,
    { retryAfterSeconds: Math.ceil(ms / 1000) },
  );
}

/** Checks a password; the same work (one scrypt) is done whether or not the email exists. */
export async function login(db: Db, input: z.infer<typeof loginSchema>, client: string): Promise<{ account: Account; token: string }> {
  const emailKey = `email:${input.email.trim().toLowerCase()}`;
  const clientKey = `client:${client}`;
  const wait = Math.max(perEmail.retryAfterMs(emailKey), perClient.retryAfterMs(clientKey));
  if (wait > 0) throw tooMany(wait);
  const user = await getUserByEmail(db, input.email);
  const ok = await verifySecret(input.password, user?.passwordHash ?? (await decoyHash()));
  if (!user || !ok) {
    perEmail.fail(emailKey);
    perClient.fail(clientKey);
    throw invalidCredentials();
  }
  perEmail.reset(emailKey);
  const account = await getAccountForUser(db, user.id);
  // A person removed from every workspace cannot log in.
  if (!account) throw invalidCredentials();
  return { account, token: await startSession(db, user.id, account.workspace.id) };
}

const INVITE_DAYS = 7;

export async function inviteToWorkspace(
  db: Db,
  workspaceId: string,
  createdBy: string | null,
  input: z.infer<typeof inviteSchema>,
): Promise<{ invite: Awaited<ReturnType<typeof createInvite>>; url: string }> {
  const { token, hash } = newToken();
  const invite = await createInvite(db, {
    workspaceId,
    tokenHash: hash,
    email: input.email ?? null,
    role: input.role,
    createdBy,
    expiresAt: new Date(Date.now() + INVITE_DAYS * 86_400_000),
  });
  return { invite, url: `/invite/${token}` };
}

/** The name the installation's first workspace is seeded with (drizzle/0002); nobody chose it. */
const SEEDED_WORKSPACE_NAME = "Local";

export async function describeInvite(db: Db, token: string) {
  const invite = await getPendingInvite(db, tokenHash(token));
  if (!invite) throw inviteInvalid();
  // "Join Local" names nothing the invitee knows: the seeded placeholder reads as the product.
  const workspaceName = invite.workspaceName === SEEDED_WORKSPACE_NAME ? "Trellis" : invite.workspaceName;
  return { email: invite.email, role: invite.role, workspaceName };
}

export async function joinByInvite(db: Db, token: string, input: z.infer<typeof acceptInviteSchema>): Promise<{ account: Account; token: string }> {
  const invite = await getPendingInvite(db, tokenHash(token));
  if (!invite) throw inviteInvalid();
  const address = invite.email ?? input.email;
  if (!address) {
    throw new AppError("invalid_request", { en: "Enter your email address.", zh: "请填写邮箱地址。" }, 400);
  }
  const { user, workspaceId } = await acceptInvite(db, { tokenHash: tokenHash(token), email: address, name: input.name, passwordHash: await hashSecret(input.password) });
  return { account: await accountOrThrow(db, user.id), token: await startSession(db, user.id, workspaceId) };
}

export async function issueApiKey(db: Db, workspaceId: string, createdBy: string | null, input: z.infer<typeof apiKeySchema>) {
  const { id, secret, key } = newApiKey();
  const summary = await createApiKey(db, {
    id,
    workspaceId,
    name: input.name,
    role: input.role,
    secretHash: await hashSecret(secret, API_KEY_COST),
    createdBy,
  });
  return { key: apiKeyView(summary), secret: key };
}

export function apiKeyView<K extends { id: string }>(key: K): K & { prefix: string } {
  return { ...key, prefix: `trl_${key.id}` };
}
