import { describe, expect, it } from "vitest";
import { API_KEY_COST, hashSecret, verifySecret } from "@/lib/auth/password";
import { roleAllows } from "@/lib/auth/permissions";
import { FailureLimiter } from "@/lib/auth/rate-limit";
import { newApiKey, newToken, parseApiKey, tokenHash } from "@/lib/auth/tokens";
import { isPublicPath } from "@/lib/server/public-routes";

describe("password hashing", () => {
  it("verifies the right password, refuses a wrong one, and salts every hash", async () => {
    const a = await hashSecret("correct horse 电池 staple", API_KEY_COST);
    const b = await hashSecret("correct horse 电池 staple", API_KEY_COST);
    expect(a).not.toBe(b);
    expect(a).toMatch(/^scrypt\$12\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(await verifySecret("correct horse 电池 staple", a)).toBe(true);
    expect(await verifySecret("correct horse 电池 staplE", a)).toBe(false);
    expect(await verifySecret("", a)).toBe(false);
  });

  it("uses the password cost by default and never throws on a malformed stored value", async () => {
    expect(await hashSecret("a long passphrase")).toMatch(/^scrypt\$15\$/);
    for (const stored of ["", "plain", "scrypt$99$8$1$AA$AA", "bcrypt$x", "scrypt$12$8$1$AAAA$short"]) {
      expect(await verifySecret("x", stored)).toBe(false);
    }
  });
});

describe("tokens and API keys", () => {
  it("makes 256-bit tokens stored only as their SHA-256", () => {
    const { token, hash } = newToken();
    expect(Buffer.from(token, "base64url")).toHaveLength(32);
    expect(hash).toBe(tokenHash(token));
    expect(hash).not.toContain(token);
  });

  it("parses only well-formed keys, so a mangled key never reaches the database", () => {
    const { id, secret, key } = newApiKey();
    expect(parseApiKey(key)).toEqual({ id, secret });
    expect(parseApiKey(`${key}x`)).toBeNull();
    expect(parseApiKey(key.replace("trl_", "trk_"))).toBeNull();
    expect(parseApiKey("trl_' OR 1=1 --_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")).toBeNull();
  });
});

describe("roles", () => {
  it.each([
    ["owner", ["read", "run", "edit", "admin"], []],
    ["editor", ["read", "run", "edit"], ["admin"]],
    ["viewer", ["read", "run"], ["edit", "admin"]],
  ] as const)("%s may %j and may not %j", (role, allowed, denied) => {
    for (const p of allowed) expect(roleAllows(role, p)).toBe(true);
    for (const p of denied) expect(roleAllows(role, p)).toBe(false);
  });
});

describe("login throttling", () => {
  it("refuses a key after max failures inside the window and lets it in again once they age out", () => {
    let now = 1_000_000;
    const limiter = new FailureLimiter({ max: 3, windowMs: 60_000, now: () => now });
    for (let i = 0; i < 3; i++) limiter.fail("email:a@b.c");
    expect(limiter.retryAfterMs("email:a@b.c")).toBe(60_000);
    expect(limiter.retryAfterMs("email:other@b.c")).toBe(0);
    now += 60_001;
    expect(limiter.retryAfterMs("email:a@b.c")).toBe(0);
  });
});

describe("C1 public surfaces", () => {
  it("lists exactly the sign-in surfaces as public", () => {
    for (const p of ["/login", "/setup", "/invite/abc_DEF-123", "/api/v1/health", "/api/v1/auth/login", "/api/v1/auth/state", "/api/v1/auth/invites/tok/accept", "/login/"]) {
      expect(isPublicPath(p), p).toBe(true);
    }
  });

  it.each([
    "/",
    "/flows/abc",
    "/settings",
    "/api/v1/flows",
    "/API/v1/auth/login/../../flows",
    "/api/v1/auth/login/..;/flows",
    "/api/v1/auth/login;",
    "/api/v1/auth/invites/a/b/accept",
    "/api/v1/auth/invites/..%2f..%2fflows",
    "/invite/a/../../api/v1/flows",
    "//api/v1/auth/login",
    "/login%2f..%2fapi%2fv1%2fflows",
  ])("C1 %s is not public", (p) => {
    expect(isPublicPath(p)).toBe(false);
  });
});
