import "server-only";
import { createHash } from "node:crypto";
import { API_KEY_COST, verifySecret } from "@/lib/auth/password";
import { roleAllows, type Permission } from "@/lib/auth/permissions";
import { SESSION_COOKIE, SESSION_DAYS } from "@/lib/auth/session-cookie";
import { parseApiKey, tokenHash } from "@/lib/auth/tokens";
import { getDb } from "@/lib/db";
import { getSessionAccount, type Account } from "@/lib/db/queries/accounts";
import { getActiveApiKey, touchApiKey } from "@/lib/db/queries/api-keys";
import type { Role } from "@/lib/db/schema";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { FreshCache } from "./fresh-cache";

/**
 * Who is calling: a person through their session cookie, or a program through an API key
 * (`Authorization: Bearer trl_…`). Every route of the studio and of /api/v1 asks this first
 * (lib/server/request.ts), and everything the request may touch is scoped by `workspaceId`.
 */
export interface Principal {
  kind: "session" | "api_key";
  workspaceId: string;
  role: Role;
  /** The person; null for an API key. */
  user: Account["user"] | null;
  /** The key's public id, for an API key. */
  apiKeyId?: string;
  /** SHA-256 of the session token, for a session (logout deletes it). */
  sessionHash?: string;
}

export { SESSION_COOKIE, SESSION_DAYS };

export function cookieValue(header: string | null, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const [key, ...rest] = part.trim().split("=");
    if (key === name) {
      try {
        return decodeURIComponent(rest.join("="));
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/** The principal behind a session token, or null (unknown, expired, membership gone). */
export async function principalFromSessionToken(token: string | undefined): Promise<Principal | null> {
  if (!token || token.length > 100) return null;
  const hash = tokenHash(token);
  const account = await getSessionAccount(await getDb(), hash);
  if (!account) return null;
  return { kind: "session", workspaceId: account.workspace.id, role: account.role, user: account.user, sessionHash: hash };
}

// A verified key is remembered for a few seconds so a busy integration does not pay a scrypt per
// request; revocation therefore takes effect within KEY_CACHE_MS on every instance (at once on
// the instance that revoked it). Half-way through, the key's row is read again in the background;
// while its stored hash is the one verified, no new scrypt is needed.
const KEY_CACHE_MS = 5_000;
const DUMMY_KEY_HASH = ["scrypt", API_KEY_COST.log2N, API_KEY_COST.r, API_KEY_COST.p, Buffer.alloc(16).toString("base64url"), Buffer.alloc(32).toString("base64url")].join("$");
type VerifiedKey = { principal: Principal; secretHash: string } | null;
const keyCache = new FreshCache<VerifiedKey>(KEY_CACHE_MS, 1_000);

export function forgetApiKey(id: string): void {
  keyCache.deleteWhere((entry) => entry?.principal.apiKeyId === id);
}

async function verifyApiKey(parsed: { id: string; secret: string }, previous: VerifiedKey | undefined): Promise<VerifiedKey> {
  const db = await getDb();
  const row = await getActiveApiKey(db, parsed.id);
  if (row && previous && row.secretHash === previous.secretHash) {
    return { principal: { kind: "api_key", workspaceId: row.workspaceId, role: row.role, user: null, apiKeyId: row.id }, secretHash: row.secretHash };
  }
  // A key id that does not exist still costs one scrypt, like a wrong secret.
  const ok = await verifySecret(parsed.secret, row?.secretHash ?? DUMMY_KEY_HASH);
  if (!row || !ok) return null;
  void touchApiKey(db, row.id).catch(() => undefined);
  return { principal: { kind: "api_key", workspaceId: row.workspaceId, role: row.role, user: null, apiKeyId: row.id }, secretHash: row.secretHash };
}

async function principalFromApiKey(key: string): Promise<Principal | null> {
  const parsed = parseApiKey(key);
  if (!parsed) return null;
  const digest = createHash("sha256").update(key).digest("hex");
  const verified = await keyCache.get(digest, (previous) => verifyApiKey(parsed, previous));
  return verified?.principal ?? null;
}

/**
 * Authenticates a request: an API key in `Authorization: Bearer` wins over a cookie (programs
 * never carry the studio's cookie). Null when neither is valid.
 */
export async function authenticate(req: Request): Promise<Principal | null> {
  const authorization = req.headers.get("authorization");
  if (authorization) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
    return match ? principalFromApiKey(match[1]) : null;
  }
  return principalFromSessionToken(cookieValue(req.headers.get("cookie"), SESSION_COOKIE));
}

export const unauthenticated = () =>
  new AppError("unauthenticated", { en: "Log in first, or send an API key as “Authorization: Bearer …”.", zh: "请先登录，或以 “Authorization: Bearer …” 发送 API 密钥。" }, 401);

const permissionNames: Record<Permission, { en: string; zh: string }> = {
  read: { en: "view this workspace", zh: "查看此工作区" },
  run: { en: "run flows", zh: "运行流程" },
  edit: { en: "make changes", zh: "修改内容" },
  admin: { en: "manage providers, members and keys", zh: "管理模型服务、成员和密钥" },
};

/**
 * Throws 403 (in the caller's language) unless the caller's role has the permission. `action`
 * names what was refused when it is narrower than the permission itself.
 * @example requirePermission(principal, "edit", { en: "rerank with another provider", zh: "使用其他模型服务重排序" });
 */
export function requirePermission(principal: Principal, permission: Permission, action?: { en: string; zh: string }): void {
  if (roleAllows(principal.role, permission)) return;
  const what = action ?? permissionNames[permission];
  throw new AppError("forbidden", { en: `Your role (${principal.role}) may not ${what.en}.`, zh: `你的角色（${principal.role}）无权${what.zh}。` }, 403);
}

function firstHeaderValue(value: string | null): string | undefined {
  return value?.split(",")[0]?.trim() || undefined;
}

/**
 * The origin the studio is served from, as the browser sees it: TRELLIS_PUBLIC_URL when set;
 * otherwise the Host header with the request's scheme. X-Forwarded-Host / X-Forwarded-Proto are
 * believed only with TRELLIS_TRUST_PROXY=true — any client can send them, so without a proxy
 * that sets them they would let a request name the origin it is compared against.
 * @example requestOrigin(new Request("http://127.0.0.1:3000/api/v1/flows", { headers: { host: "studio.test" } })) // "http://studio.test"
 */
export function requestOrigin(req: Request): string {
  const { TRELLIS_PUBLIC_URL, TRELLIS_TRUST_PROXY } = env();
  if (TRELLIS_PUBLIC_URL) return new URL(TRELLIS_PUBLIC_URL).origin;
  const url = new URL(req.url);
  const forwarded = (name: string) => (TRELLIS_TRUST_PROXY ? firstHeaderValue(req.headers.get(name)) : undefined);
  const host = forwarded("x-forwarded-host") ?? req.headers.get("host") ?? url.host;
  const proto = forwarded("x-forwarded-proto") ?? url.protocol.replace(":", "");
  return `${proto.toLowerCase()}://${host.toLowerCase()}`;
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * CSRF defence for cookie-authenticated writes: the browser must say the request comes from our
 * own origin (Origin header, or Sec-Fetch-Site: same-origin when Origin is absent). The session
 * cookie is also SameSite=Lax, and JSON routes refuse form content types (C8); this is the
 * layer that also covers multipart uploads.
 */
export function checkCsrf(req: Request): void {
  if (SAFE_METHODS.has(req.method)) return;
  const origin = req.headers.get("origin");
  const ok = origin ? origin === requestOrigin(req) : req.headers.get("sec-fetch-site") === "same-origin";
  if (!ok) {
    throw new AppError("csrf", { en: "This request did not come from the Trellis studio and was refused.", zh: "该请求并非来自 Trellis 工作台，已被拒绝。" }, 403);
  }
}

function isHttps(req: Request): boolean {
  // Only ever adds Secure, so a proxy's X-Forwarded-Proto counts here even when it is not trusted.
  const forwardedHttps = firstHeaderValue(req.headers.get("x-forwarded-proto"))?.toLowerCase() === "https";
  return requestOrigin(req).startsWith("https://") || forwardedHttps || process.env.TRELLIS_SECURE_COOKIES === "true";
}

/** The Set-Cookie header for a new session: HttpOnly, SameSite=Lax, Secure behind HTTPS. */
export function sessionCookieHeader(req: Request, token: string): string {
  return [`${SESSION_COOKIE}=${token}`, "Path=/", "HttpOnly", "SameSite=Lax", `Max-Age=${SESSION_DAYS * 86_400}`, ...(isHttps(req) ? ["Secure"] : [])].join("; ");
}

export function clearedSessionCookieHeader(req: Request): string {
  return [`${SESSION_COOKIE}=`, "Path=/", "HttpOnly", "SameSite=Lax", "Max-Age=0", ...(isHttps(req) ? ["Secure"] : [])].join("; ");
}
