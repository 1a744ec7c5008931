import { randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from "node:crypto";

/**
 * scrypt hashing for passwords and API-key secrets, in a self-describing format
 * `scrypt$<log2 N>$<r>$<p>$<salt b64url>$<hash b64url>` so costs can rise later without
 * breaking stored hashes. Verification compares in constant time.
 *
 * Passwords use N = 2^15 (32 MiB, ~100 ms on one core: slow for an attacker with the table,
 * fine for a login). API-key secrets are 256-bit random, so brute force is hopeless at any cost;
 * they use N = 2^12 to keep each API request cheap.
 * @example
 * const stored = await hashSecret("correct horse battery staple");
 * await verifySecret("correct horse battery staple", stored); // true
 */

export interface ScryptCost {
  log2N: number;
  r: number;
  p: number;
}

export const PASSWORD_COST: ScryptCost = { log2N: 15, r: 8, p: 1 };
export const API_KEY_COST: ScryptCost = { log2N: 12, r: 8, p: 1 };
const KEY_LENGTH = 32;

function scrypt(secret: string, salt: Buffer, cost: ScryptCost): Promise<Buffer> {
  const N = 2 ** cost.log2N;
  const options: ScryptOptions = { N, r: cost.r, p: cost.p, maxmem: 256 * N * cost.r + 1024 * 1024 };
  return new Promise((resolve, reject) => {
    scryptCallback(secret.normalize("NFKC"), salt, KEY_LENGTH, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

export async function hashSecret(secret: string, cost: ScryptCost = PASSWORD_COST): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(secret, salt, cost);
  return ["scrypt", cost.log2N, cost.r, cost.p, salt.toString("base64url"), key.toString("base64url")].join("$");
}

/** False for a wrong secret and for a malformed stored value (never throws on bad input). */
export async function verifySecret(secret: string, stored: string): Promise<boolean> {
  const parts = stored.split("$");
  if (parts.length !== 6 || parts[0] !== "scrypt") return false;
  const [log2N, r, p] = parts.slice(1, 4).map(Number);
  if (![log2N, r, p].every(Number.isInteger) || log2N < 10 || log2N > 20 || r < 1 || r > 32 || p < 1 || p > 4) return false;
  const salt = Buffer.from(parts[4], "base64url");
  const expected = Buffer.from(parts[5], "base64url");
  if (expected.length !== KEY_LENGTH) return false;
  const actual = await scrypt(secret, salt, { log2N, r, p });
  return timingSafeEqual(actual, expected);
}

/**
 * A hash of a random secret that nobody knows, made once: verifying against it costs the same
 * as verifying a real password, so a login for an unknown email takes as long as a wrong password.
 */
let decoy: Promise<string> | undefined;
export function decoyHash(): Promise<string> {
  decoy ??= hashSecret(randomBytes(24).toString("base64url"));
  return decoy;
}
