import { describe, expect, it, vi } from "vitest";
import { adminAccountProblem, corsOriginsProblem, databaseUrlProblem, enforceBootChecks, productionConfigProblems, secretKeyProblem } from "@/lib/security/boot-checks";

const GOOD_KEY = "k7R2vQx9ZpLm4TnB8wYc1FhJ6sDgE3uA0oKiN5tVbXq";
const prod = (vars: Record<string, string | undefined>) => ({ NODE_ENV: "production", TRELLIS_SECRET_KEY: GOOD_KEY, ...vars });

describe("C18 production boot refuses insecure defaults: TRELLIS_SECRET_KEY", () => {
  it.each([
    ["missing", undefined, /TRELLIS_SECRET_KEY is not set/],
    ["empty", "", /TRELLIS_SECRET_KEY is not set/],
    ["blank", "   ", /TRELLIS_SECRET_KEY is not set/],
    ["changeme", "changeme", /sample value/],
    ["your-secret-key", "your-secret-key", /sample value/],
    ["YOUR_SECRET_KEY", "YOUR_SECRET_KEY", /sample value/],
    ["secret", "secret", /sample value/],
    ["a sample padded to 40 chars", "change-me-please-change-me-please-0000000", /sample value/],
    ["a sample with a number", "supersecret123", /sample value/],
    ["a placeholder", "replace-me-with-a-long-random-string-please", /sample value/],
    ["shorter than 32", "q8Zr2LpX7mWv1KsT", /shorter than 32 characters \(16\)/],
    ["31 characters", "Zr2LpX7mWv1KsTq8Zr2LpX7mWv1KsTq", /shorter than 32 characters \(31\)/],
    ["one repeated character", "a".repeat(48), /repeated characters/],
    ["a repeated pattern", "abc123".repeat(8), /repeated characters/],
    ["few distinct characters", "0101101001011010010110100101101001", /repeated characters/],
  ])("C18 refuses a %s key with a message naming TRELLIS_SECRET_KEY", (_case, value, message) => {
    const problems = productionConfigProblems(prod({ TRELLIS_SECRET_KEY: value }));
    expect(problems).toHaveLength(1);
    expect(problems[0].variable).toBe("TRELLIS_SECRET_KEY");
    expect(problems[0].message).toMatch(message);
    expect(problems[0].message).toContain("openssl rand");
    expect(problems[0].message).toMatch(/\p{Script=Han}/u);
  });

  it("C18 accepts a random 32+ character key (hex or base64)", () => {
    expect(secretKeyProblem(GOOD_KEY)).toBeNull();
    expect(secretKeyProblem("9b1f3c7e2a5d8f0b4c6e1a3d5f7b9c2e4a6d8f0b1c3e5a7d")).toBeNull();
    expect(productionConfigProblems(prod({}))).toEqual([]);
  });
});

describe("C18 C9 production boot refuses a wildcard CORS list", () => {
  it.each(["bots.example.com", "ftp://bots.example.com", "https://user:pw@bots.example.com"])('finding 6: refuses TRELLIS_PUBLIC_URL="%s"', (value) => {
    const problems = productionConfigProblems(prod({ TRELLIS_PUBLIC_URL: value }));
    expect(problems.map((p) => p.variable)).toEqual(["TRELLIS_PUBLIC_URL"]);
    expect(problems[0].message).toContain("https://bots.example.com");
  });

  it("finding 6: accepts an https public URL and a yes/no TRELLIS_TRUST_PROXY, refuses anything else", () => {
    expect(productionConfigProblems(prod({ TRELLIS_PUBLIC_URL: "https://bots.example.com", TRELLIS_TRUST_PROXY: "true" }))).toEqual([]);
    expect(productionConfigProblems(prod({ TRELLIS_TRUST_PROXY: "yes" })).map((p) => p.variable)).toEqual(["TRELLIS_TRUST_PROXY"]);
  });

  it.each(["*", "https://app.example.com,*", " * ", "https://*.example.com"])('C18 refuses TRELLIS_CORS_ORIGINS="%s"', (value) => {
    const problems = productionConfigProblems(prod({ TRELLIS_CORS_ORIGINS: value }));
    expect(problems.map((p) => p.variable)).toEqual(["TRELLIS_CORS_ORIGINS"]);
    expect(problems[0].message).toContain('contains "*"');
  });

  it("C18 refuses an entry that is not an origin", () => {
    expect(corsOriginsProblem("https://app.example.com/path")).toMatch(/not an origin/);
    expect(corsOriginsProblem("app.example.com")).toMatch(/not an origin/);
  });

  it("accepts exact origins, or none", () => {
    expect(corsOriginsProblem("https://app.example.com, http://localhost:3000")).toBeNull();
    expect(corsOriginsProblem(undefined)).toBeNull();
  });
});

describe("C18 production boot refuses a sample database password", () => {
  it.each(["postgres", "password", "difyai123456"])("C18 refuses DATABASE_URL with password %s", (password) => {
    const problems = productionConfigProblems(prod({ DATABASE_URL: `postgres://app:${password}@db:5432/trellis` }));
    expect(problems.map((p) => p.variable)).toEqual(["DATABASE_URL"]);
  });

  it("accepts a strong password or none (socket / trust authentication)", () => {
    expect(databaseUrlProblem("postgres://app:Vt3x9LqZ2mWp@db:5432/trellis")).toBeNull();
    expect(databaseUrlProblem("postgres://postgres@127.0.0.1:5432/trellis")).toBeNull();
  });
});

describe("C18 enforceBootChecks", () => {
  it("C18 exits with code 1 and logs every problem, one line each, in production", () => {
    const exit = vi.fn();
    const lines: string[] = [];
    const problems = enforceBootChecks({ NODE_ENV: "production", TRELLIS_SECRET_KEY: "changeme", TRELLIS_CORS_ORIGINS: "*" }, exit, (line) => lines.push(line));
    expect(exit).toHaveBeenCalledWith(1);
    expect(problems).toHaveLength(2);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^\[trellis\] refusing to start: TRELLIS_SECRET_KEY/);
    expect(lines[1]).toMatch(/^\[trellis\] refusing to start: TRELLIS_CORS_ORIGINS/);
  });

  it("does nothing in development and tests, or while next build runs", () => {
    const exit = vi.fn();
    enforceBootChecks({ NODE_ENV: "development" }, exit, () => undefined);
    enforceBootChecks({ NODE_ENV: "test", TRELLIS_CORS_ORIGINS: "*" }, exit, () => undefined);
    enforceBootChecks({ NODE_ENV: "production", NEXT_PHASE: "phase-production-build" }, exit, () => undefined);
    expect(exit).not.toHaveBeenCalled();
  });

  it("lets a well-configured production start through", () => {
    const exit = vi.fn();
    expect(enforceBootChecks(prod({ TRELLIS_CORS_ORIGINS: "https://app.example.com" }), exit, () => undefined)).toEqual([]);
    expect(exit).not.toHaveBeenCalled();
  });
});

describe("C18 the first owner from the environment", () => {
  const base = { NODE_ENV: "production", TRELLIS_SECRET_KEY: "q8Vn2xLr7TzK4wP9sJ3mYc6HbD1fGa5E" };
  it.each(["admin", "password", "changeme", "Admin123", "aaaaaaaaaaaaaaaa", "short1!"])("C18 refuses TRELLIS_ADMIN_PASSWORD=%s", (password) => {
    const problems = productionConfigProblems({ ...base, TRELLIS_ADMIN_EMAIL: "owner@example.com", TRELLIS_ADMIN_PASSWORD: password });
    expect(problems.map((p) => p.variable)).toEqual(["TRELLIS_ADMIN_PASSWORD"]);
  });

  it("C18 refuses an admin email without a password (no default password exists)", () => {
    expect(adminAccountProblem("owner@example.com", undefined)).toMatch(/go together/);
    expect(adminAccountProblem(undefined, "Xk3-long-random-passphrase")).toMatch(/go together/);
  });

  it("accepts a long random password, or no admin variables at all (the owner is created at /setup)", () => {
    expect(productionConfigProblems({ ...base, TRELLIS_ADMIN_EMAIL: "owner@example.com", TRELLIS_ADMIN_PASSWORD: "v7N-q2xW-9rTz-Lk4P" })).toEqual([]);
    expect(productionConfigProblems(base)).toEqual([]);
  });
});
