import { createHmac } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";

/** The bearer strings of publishing: end-user tokens, signed identities, bot keys, slugs. */
type Credentials = typeof import("@/lib/server/bots/credentials");
let c: Credentials;

beforeAll(async () => {
  process.env.DATA_DIR = mkdtempSync(path.join(tmpdir(), "trellis-cred-"));
  c = await import("@/lib/server/bots/credentials");
});

describe("end-user tokens", () => {
  it("bind the bot, the end user and the expiry", () => {
    const user = c.newAnonymousUser();
    expect(user.id).toMatch(/^anon:[0-9a-f-]{36}$/);
    const expires = Math.floor(Date.now() / 1000) + 60;
    const token = c.signEndUserToken("bot-a", user, expires);
    expect(c.verifyEndUserToken(token, "bot-a")).toEqual({ ...user, expiresAt: expires });
    expect(c.verifyEndUserToken(token, "bot-b")).toBeNull();
    expect(c.verifyEndUserToken(token, "bot-a", (expires + 1) * 1000)).toBeNull();
  });

  it("refuse a token whose payload was changed", () => {
    const token = c.signEndUserToken("bot-a", { id: "anon:1", kind: "anonymous" }, Math.floor(Date.now() / 1000) + 60);
    const [prefix, , mac] = token.split(".");
    const forged = Buffer.from(JSON.stringify({ b: "bot-a", u: "user:admin", k: "signed", e: 9_999_999_999 })).toString("base64url");
    expect(c.verifyEndUserToken(`${prefix}.${forged}.${mac}`, "bot-a")).toBeNull();
    expect(c.verifyEndUserToken("et1.x.y", "bot-a")).toBeNull();
  });
});

describe("signed identity from the host site", () => {
  const secret = "a".repeat(64);
  const sign = (id: string, expires: number, key = secret) => createHmac("sha256", key).update(`${id}.${expires}`).digest("hex");
  const later = Math.floor(Date.now() / 1000) + 600;

  it.each([
    ["valid", { id: "alice", expires: later, signature: sign("alice", later) }, "ok"],
    ["upper-case hex", { id: "alice", expires: later, signature: sign("alice", later).toUpperCase() }, "ok"],
    ["another id", { id: "bob", expires: later, signature: sign("alice", later) }, "invalid"],
    ["a later expiry", { id: "alice", expires: later + 1, signature: sign("alice", later) }, "invalid"],
    ["another secret", { id: "alice", expires: later, signature: sign("alice", later, "b".repeat(64)) }, "invalid"],
    ["expired", { id: "alice", expires: 1_000, signature: sign("alice", 1_000) }, "expired"],
  ])("%s → %s", (_name, user, expected) => expect(c.checkUserSignature(secret, user)).toBe(expected));
});

describe("bot API keys and slugs", () => {
  it("parses a key into its public id and secret; stores only the secret's digest", () => {
    const made = c.newBotApiKey();
    const parsed = c.parseBotApiKey(made.key);
    expect(parsed?.id).toBe(made.id);
    expect(c.sha256(parsed!.secret)).toBe(made.secretHash);
    expect(made.secretHash).not.toContain(parsed!.secret);
    expect(c.parseBotApiKey(`trl_${made.key.slice(4)}`)).toBeNull();
  });

  it("makes slugs of 12 base62 characters that differ", () => {
    const slugs = new Set(Array.from({ length: 200 }, () => c.newSlug()));
    expect(slugs.size).toBe(200);
    for (const slug of slugs) expect(slug).toMatch(/^[0-9A-Za-z]{12}$/);
  });
});
