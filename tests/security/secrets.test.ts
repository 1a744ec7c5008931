import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { AppError } from "@/lib/errors";
import { createSecretBox, loadSecretKey, secretAad } from "@/lib/security/secrets";

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "trellis-secrets-"));
  dirs.push(dir);
  return dir;
}
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

const aad = secretAad("local", "provider-1");

describe("createSecretBox", () => {
  const box = createSecretBox(randomBytes(32));

  it.each(["sk-abc123", "密钥：通义千问", "", "x".repeat(10_000)])("round-trips %#", (plaintext) => {
    const sealed = box.encrypt(plaintext, aad);
    expect(sealed).toMatch(/^v1:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]*$/);
    if (plaintext) expect(sealed).not.toContain(plaintext);
    expect(box.decrypt(sealed, aad)).toBe(plaintext);
  });

  it("uses a fresh IV each time", () => {
    const [a, b] = [box.encrypt("same", aad), box.encrypt("same", aad)];
    expect(a).not.toBe(b);
    expect(Buffer.from(a.split(":")[1], "base64")).toHaveLength(12);
  });

  it.each([
    ["another record", secretAad("local", "provider-2")],
    ["another workspace", secretAad("team", "provider-1")],
    ["shifted separator", secretAad("localp", "rovider-1")],
  ])("refuses to decrypt under %s", (_label, otherAad) => {
    const sealed = box.encrypt("sk-abc", aad);
    expect(() => box.decrypt(sealed, otherAad)).toThrow(AppError);
  });

  it("refuses a tampered ciphertext or tag, a wrong key and a malformed value, in both languages", () => {
    const sealed = box.encrypt("sk-abc", aad);
    const [v, iv, tag, body] = sealed.split(":");
    const flip = (b64: string) => {
      const bytes = Buffer.from(b64, "base64");
      bytes[0] ^= 1;
      return bytes.toString("base64");
    };
    const attempts = [
      () => box.decrypt([v, iv, tag, flip(body)].join(":"), aad),
      () => box.decrypt([v, iv, flip(tag), body].join(":"), aad),
      () => createSecretBox(randomBytes(32)).decrypt(sealed, aad),
      () => box.decrypt("v2:" + sealed.slice(3), aad),
      () => box.decrypt("plain-text-key", aad),
    ];
    for (const attempt of attempts) {
      const error = (() => {
        try {
          attempt();
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(AppError);
      expect(error).toMatchObject({ code: "internal:secret" });
      expect((error as AppError).messageIn("zh")).toMatch(/密钥/);
    }
  });

  it("refuses a key that is not 32 bytes", () => {
    expect(() => createSecretBox(randomBytes(16))).toThrow(/32 bytes/);
  });
});

describe("loadSecretKey", () => {
  it("derives the same 32-byte key from the same TRELLIS_SECRET_KEY, and different ones from different keys", () => {
    const dataDir = tempDir();
    const a = loadSecretKey({ secretKey: "a".repeat(40), dataDir });
    expect(a).toHaveLength(32);
    expect(loadSecretKey({ secretKey: "a".repeat(40), dataDir }).equals(a)).toBe(true);
    expect(loadSecretKey({ secretKey: "b".repeat(40), dataDir }).equals(a)).toBe(false);
    expect(a.equals(Buffer.from("a".repeat(32)))).toBe(false);
  });

  it("generates DATA_DIR/secret.key once with mode 0600 and reuses it", () => {
    const dataDir = path.join(tempDir(), "nested");
    const first = loadSecretKey({ dataDir });
    const file = path.join(dataDir, "secret.key");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(Buffer.from(readFileSync(file, "utf8").trim(), "base64").equals(first)).toBe(true);
    expect(loadSecretKey({ dataDir }).equals(first)).toBe(true);

    // A secret sealed with the generated key opens after a "restart".
    const sealed = createSecretBox(first).encrypt("sk-keep", aad);
    expect(createSecretBox(loadSecretKey({ dataDir })).decrypt(sealed, aad)).toBe("sk-keep");
  });

  it("refuses a damaged key file instead of silently replacing it", () => {
    const dataDir = tempDir();
    writeFileSync(path.join(dataDir, "secret.key"), "short\n", { mode: 0o600 });
    expect(() => loadSecretKey({ dataDir })).toThrow(AppError);
  });

  it("warns when the key file is readable by others", () => {
    const dataDir = tempDir();
    writeFileSync(path.join(dataDir, "secret.key"), `${randomBytes(32).toString("base64")}\n`, { mode: 0o644 });
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    loadSecretKey({ dataDir });
    expect(warn).toHaveBeenCalledWith(expect.stringContaining("chmod 600"));
    warn.mockRestore();
  });
});

describe("encryptSecret / decryptSecret (the app's key)", () => {
  it("creates DATA_DIR/secret.key on first use and round-trips with it", async () => {
    const dataDir = tempDir();
    const saved = { ...process.env };
    process.env.DATA_DIR = dataDir;
    delete process.env.TRELLIS_SECRET_KEY;
    vi.resetModules();
    try {
      const secrets = await import("@/lib/security/secrets");
      const sealed = secrets.encryptSecret("sk-app", aad);
      expect(secrets.decryptSecret(sealed, aad)).toBe("sk-app");
      const key = loadSecretKey({ dataDir });
      expect(createSecretBox(key).decrypt(sealed, aad)).toBe("sk-app");
    } finally {
      process.env = saved;
    }
  });

  it("uses TRELLIS_SECRET_KEY when set, writing no key file", async () => {
    const dataDir = tempDir();
    const saved = { ...process.env };
    process.env.DATA_DIR = dataDir;
    process.env.TRELLIS_SECRET_KEY = "k".repeat(48);
    vi.resetModules();
    try {
      const secrets = await import("@/lib/security/secrets");
      const sealed = secrets.encryptSecret("sk-env", aad);
      expect(createSecretBox(loadSecretKey({ secretKey: "k".repeat(48), dataDir })).decrypt(sealed, aad)).toBe("sk-env");
      expect(() => statSync(path.join(dataDir, "secret.key"))).toThrow();
    } finally {
      process.env = saved;
    }
  });
});
