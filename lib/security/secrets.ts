import "server-only";
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";
import { chmodSync, linkSync, mkdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";

/**
 * Encryption of stored secrets (provider API keys): AES-256-GCM with a random 12-byte IV and
 * associated data binding each ciphertext to its record, so a ciphertext copied into another
 * row or workspace does not decrypt. Stored as "v1:<iv b64>:<tag b64>:<ciphertext b64>"; the
 * version prefix leaves room for key rotation.
 */

export interface SecretBox {
  encrypt(plaintext: string, aad: string): string;
  decrypt(ciphertext: string, aad: string): string;
}

const VERSION = "v1";
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;

const undecryptable = () =>
  new AppError(
    "internal:secret",
    {
      en: "A stored secret could not be decrypted: the secret key changed or the data was altered. Enter the API key again.",
      zh: "无法解密已保存的密钥：加密密钥已更改或数据被篡改。请重新输入 API 密钥。",
    },
    500,
  );

/**
 * The associated data for a secret stored in a record: workspace and record id, NUL-separated
 * so that ("ab", "c") and ("a", "bc") differ.
 * @example box.encrypt(apiKey, secretAad("local", providerId))
 */
export function secretAad(workspaceId: string, recordId: string): string {
  return `${workspaceId}\u0000${recordId}`;
}

/**
 * A SecretBox over an explicit 32-byte key (tests, tools); the app uses {@link secretBox}.
 * @example const box = createSecretBox(randomBytes(32)); box.decrypt(box.encrypt("sk-1", aad), aad)
 */
export function createSecretBox(key: Buffer): SecretBox {
  if (key.length !== KEY_BYTES) throw new Error(`Secret key must be ${KEY_BYTES} bytes, got ${key.length}`);
  const secretKey = Buffer.from(key);
  return {
    encrypt(plaintext, aad) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv("aes-256-gcm", secretKey, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(Buffer.from(aad, "utf8"));
      const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
      return [VERSION, iv.toString("base64"), cipher.getAuthTag().toString("base64"), body.toString("base64")].join(":");
    },
    decrypt(ciphertext, aad) {
      const parts = ciphertext.split(":");
      if (parts.length !== 4 || parts[0] !== VERSION) throw undecryptable();
      const [iv, tag, body] = parts.slice(1).map((part) => Buffer.from(part, "base64"));
      if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw undecryptable();
      try {
        const decipher = createDecipheriv("aes-256-gcm", secretKey, iv, { authTagLength: TAG_BYTES });
        decipher.setAAD(Buffer.from(aad, "utf8"));
        decipher.setAuthTag(tag);
        return Buffer.concat([decipher.update(body), decipher.final()]).toString("utf8");
      } catch {
        throw undecryptable();
      }
    },
  };
}

/**
 * The 32-byte key: derived with HKDF-SHA256 from `secretKey` (TRELLIS_SECRET_KEY) when given,
 * otherwise read from `<dataDir>/secret.key`, which is created on first use with 32 random bytes
 * and mode 0600. Creation is atomic (written to a private temp file opened with `wx`, then
 * hard-linked into place), so two processes starting together end up with the same key.
 * @example loadSecretKey({ dataDir: "./data" })
 */
export function loadSecretKey(source: { secretKey?: string; dataDir: string }): Buffer {
  if (source.secretKey) {
    return Buffer.from(hkdfSync("sha256", source.secretKey, "trellis", "trellis provider secrets v1", KEY_BYTES));
  }
  const file = path.join(source.dataDir, "secret.key");
  const existing = readKeyFile(file);
  if (existing) return existing;
  mkdirSync(source.dataDir, { recursive: true });
  const temp = `${file}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
  writeFileSync(temp, `${randomBytes(KEY_BYTES).toString("base64")}\n`, { flag: "wx", mode: 0o600 });
  try {
    chmodSync(temp, 0o600); // the mode given to writeFileSync is filtered by the umask
    linkSync(temp, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  } finally {
    unlinkSync(temp);
  }
  const key = readKeyFile(file);
  if (!key) throw new Error(`Could not create ${file}`);
  return key;
}

function readKeyFile(file: string): Buffer | undefined {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  const key = Buffer.from(text.trim(), "base64");
  if (key.length !== KEY_BYTES) {
    throw new AppError(
      "internal:secret",
      {
        en: `The secret key file ${file} is damaged (expected ${KEY_BYTES} bytes in base64). Restore it from a backup, or delete it and enter all API keys again.`,
        zh: `密钥文件 ${file} 已损坏（应为 base64 编码的 ${KEY_BYTES} 字节）。请从备份恢复，或删除该文件后重新输入所有 API 密钥。`,
      },
      500,
    );
  }
  if ((statSync(file).mode & 0o077) !== 0) console.warn(`[secrets] ${file} is readable by other users; run: chmod 600 ${file}`);
  return key;
}

let appBox: SecretBox | undefined;
const subkeys = new Map<string, Buffer>();

/**
 * A 32-byte key for one purpose, derived with HKDF-SHA256 from the app's secret key
 * (TRELLIS_SECRET_KEY or DATA_DIR/secret.key), so a key used to sign tokens is never the one
 * that encrypts stored secrets, and every process of one deployment derives the same key.
 * @example const key = appSubkey("trellis end-user tokens v1");
 */
export function appSubkey(purpose: string): Buffer {
  let key = subkeys.get(purpose);
  if (!key) {
    const { TRELLIS_SECRET_KEY, DATA_DIR } = env();
    const root = loadSecretKey({ secretKey: TRELLIS_SECRET_KEY, dataDir: DATA_DIR });
    key = Buffer.from(hkdfSync("sha256", root, "trellis", purpose, KEY_BYTES));
    subkeys.set(purpose, key);
  }
  return key;
}

/**
 * The app's SecretBox, keyed from TRELLIS_SECRET_KEY or DATA_DIR/secret.key (see lib/env.ts).
 * @example const apiKey = secretBox().decrypt(row.secretCiphertext, secretAad(ws, row.id));
 */
export function secretBox(): SecretBox {
  if (!appBox) {
    const { TRELLIS_SECRET_KEY, DATA_DIR } = env();
    appBox = createSecretBox(loadSecretKey({ secretKey: TRELLIS_SECRET_KEY, dataDir: DATA_DIR }));
  }
  return appBox;
}

/**
 * Encrypts with the app's key. `aad` names the record the secret belongs to (see secretAad).
 * @example const stored = encryptSecret(apiKey, secretAad("local", providerId));
 */
export function encryptSecret(plaintext: string, aad: string): string {
  return secretBox().encrypt(plaintext, aad);
}

/**
 * Decrypts with the app's key; throws AppError "internal:secret" on a wrong key, AAD or tampering.
 * @example const apiKey = decryptSecret(row.secretCiphertext, secretAad("local", row.id));
 */
export function decryptSecret(ciphertext: string, aad: string): string {
  return secretBox().decrypt(ciphertext, aad);
}
