import { createHash, randomBytes } from "node:crypto";

/**
 * Bearer tokens (session cookies, invitation links): 256 random bits, stored only as their
 * SHA-256 so a leaked table cannot be replayed.
 * @example const { token, hash } = newToken(); // token → the cookie, hash → the database
 */
export function newToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString("base64url");
  return { token, hash: tokenHash(token) };
}

export function tokenHash(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

const BASE32 = "abcdefghijklmnopqrstuvwxyz234567";

/** Lower-case base32 id of `length` characters (5 random bits each). */
export function randomId(length: number): string {
  const bytes = randomBytes(length);
  let out = "";
  for (const byte of bytes) out += BASE32[byte & 31];
  return out;
}

/** API keys read `trl_<12-char id>_<43-char secret>`; the id finds the row, the secret is verified. */
export const API_KEY_PREFIX = "trl_";
const API_KEY_PATTERN = /^trl_([a-z2-7]{12})_([A-Za-z0-9_-]{43})$/;

export function newApiKey(): { id: string; secret: string; key: string } {
  const id = randomId(12);
  const secret = randomBytes(32).toString("base64url");
  return { id, secret, key: `${API_KEY_PREFIX}${id}_${secret}` };
}

export function parseApiKey(key: string): { id: string; secret: string } | null {
  const match = API_KEY_PATTERN.exec(key.trim());
  return match ? { id: match[1], secret: match[2] } : null;
}
