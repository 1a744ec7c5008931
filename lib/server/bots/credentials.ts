import "server-only";
import { createHash, createHmac, randomBytes, randomUUID, timingSafeEqual } from "node:crypto";
import { appSubkey } from "@/lib/security/secrets";

/**
 * The bearer strings of the publishing surfaces, none derived from another (a share link never
 * leads to a key, unlike RAGFlow CVE-2025-69286):
 * - slug: 12 random base62 characters, public;
 * - bot API key `tbk_<12-char id>_<43-char secret>`: the id finds the row, the secret's SHA-256 is
 *   stored. A fast hash is enough here: the secret is 256 random bits, so there is nothing to
 *   brute-force, and the API's hot path cannot afford a scrypt per request;
 * - end-user token `et1.<payload>.<mac>`: HMAC-SHA256 with a key derived from the app's secret
 *   key, binding bot, end user and expiry (nothing stored server-side);
 * - signed identity from the host site: HMAC-SHA256(bot signing secret, id + "." + expires).
 */

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

function randomBase62(length: number): string {
  let out = "";
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      // 248 = 4 × 62: rejecting the rest keeps every character equally likely.
      if (byte < 248 && out.length < length) out += BASE62[byte % 62];
    }
  }
  return out;
}

export const newSlug = () => randomBase62(12);
export const newSigningSecret = () => randomBytes(32).toString("hex");

export const BOT_KEY_PREFIX = "tbk_";
const BOT_KEY_PATTERN = /^tbk_([A-Za-z0-9]{12})_([A-Za-z0-9_-]{43})$/;

export function newBotApiKey(): { id: string; key: string; secretHash: string } {
  const id = randomBase62(12);
  const secret = randomBytes(32).toString("base64url");
  return { id, key: `${BOT_KEY_PREFIX}${id}_${secret}`, secretHash: sha256(secret) };
}

export function parseBotApiKey(key: string): { id: string; secret: string } | null {
  const match = BOT_KEY_PATTERN.exec(key.trim());
  return match ? { id: match[1], secret: match[2] } : null;
}

export function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** Constant-time comparison of two hex digests (or any two strings). */
export function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

export interface EndUser {
  id: string;
  kind: "anonymous" | "signed";
}

export const newAnonymousUser = (): EndUser => ({ id: `anon:${randomUUID()}`, kind: "anonymous" });

const TOKEN_PURPOSE = "trellis end-user tokens v1";
export const END_USER_TOKEN_DAYS = 30;

function mac(payload: string): string {
  return createHmac("sha256", appSubkey(TOKEN_PURPOSE)).update(payload).digest("base64url");
}

/** An end-user token for (bot, end user) valid until `expiresAt` (unix seconds). */
export function signEndUserToken(botId: string, user: EndUser, expiresAt: number): string {
  const payload = Buffer.from(JSON.stringify({ b: botId, u: user.id, k: user.kind, e: expiresAt })).toString("base64url");
  return `et1.${payload}.${mac(payload)}`;
}

/** The end user a token names for this bot, or null (forged, expired, another bot's). */
export function verifyEndUserToken(token: string, botId: string, now = Date.now()): (EndUser & { expiresAt: number }) | null {
  if (token.length > 1_000) return null;
  const parts = token.split(".");
  if (parts.length !== 3 || parts[0] !== "et1") return null;
  if (!sameSecret(parts[2], mac(parts[1]))) return null;
  try {
    const claims = JSON.parse(Buffer.from(parts[1], "base64url").toString("utf8")) as { b?: unknown; u?: unknown; k?: unknown; e?: unknown };
    if (claims.b !== botId || typeof claims.u !== "string" || typeof claims.e !== "number") return null;
    if (claims.e * 1000 <= now) return null;
    return { id: claims.u, kind: claims.k === "signed" ? "signed" : "anonymous", expiresAt: claims.e };
  } catch {
    return null;
  }
}

export type SignatureCheck = "ok" | "invalid" | "expired";

/**
 * Checks a host site's signed user id: hex HMAC-SHA256(signingSecret, id + "." + expires),
 * compared in constant time. The signature is checked before the expiry, so an unsigned
 * "expired" answer never tells a forger anything.
 */
export function checkUserSignature(secret: string, user: { id: string; expires: number; signature: string }, now = Date.now()): SignatureCheck {
  const expected = createHmac("sha256", secret).update(`${user.id}.${user.expires}`).digest("hex");
  if (!sameSecret(expected, user.signature.toLowerCase())) return "invalid";
  return user.expires * 1000 > now ? "ok" : "expired";
}
