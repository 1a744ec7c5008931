import { describe, expect, it } from "vitest";
import { isSecretKey, redactLogArgs, redactSecrets, redactText, REDACTED } from "@/lib/security/redact";

const TOKEN = "sk-live-9f8e7d6c5b4a39281706";

describe("C24 redactSecrets: credential-named keys", () => {
  it.each([
    "Authorization", "authorization", "Proxy-Authorization", "Cookie", "Set-Cookie", "X-API-Key", "x-api-key", "apiKey", "api_key", "api-key",
    "token", "accessToken", "refresh_token", "secret", "clientSecret", "password", "db_password", "passwd", "credential", "credentials",
  ])("C24 replaces the value under %s", (key) => {
    const out = redactSecrets({ [key]: TOKEN, keep: "visible" });
    expect(out).toEqual({ [key]: REDACTED, keep: "visible" });
  });

  it.each(["tokens", "maxTokens", "promptTokens", "author", "cookies_enabled_count", "keyword", "secretary"])("C24 leaves the ordinary key %s alone", (key) => {
    expect(isSecretKey(key)).toBe(false);
    expect(redactSecrets({ [key]: 42 })).toEqual({ [key]: 42 });
  });

  it("C24 redacts nested values, objects under a secret key, and arrays, without changing the original", () => {
    const original = { request: { headers: [{ name: "ok", value: 1 }], auth: { password: "hunter22" }, credentials: { user: "a", pass: "b" } }, hasSecret: true };
    const out = redactSecrets(original);
    expect(out).toEqual({ request: { headers: [{ name: "ok", value: 1 }], auth: { password: REDACTED }, credentials: REDACTED }, hasSecret: true });
    expect(original.request.auth.password).toBe("hunter22");
  });

  it("C24 survives cycles and very deep values", () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    expect(redactSecrets(cyclic)).toEqual({ a: 1, self: REDACTED });
    let deep: Record<string, unknown> = { token: TOKEN };
    for (let i = 0; i < 200; i++) deep = { inner: deep };
    expect(JSON.stringify(redactSecrets(deep))).not.toContain(TOKEN);
  });
});

describe("C24 redactText: tokens inside strings", () => {
  it.each([
    [`Authorization: Bearer ${TOKEN}`, "Authorization: [redacted]"],
    [`curl -H "authorization: Bearer ${TOKEN}" https://api.example.com`, 'curl -H "authorization: [redacted]" https://api.example.com'],
    [`the header was Bearer ${TOKEN} and more`, "the header was Bearer [redacted] and more"],
    ["Basic dXNlcjpwYXNzd29yZA==", "Basic [redacted]"],
    [`{"x-api-key":"${TOKEN}","q":"中文"}`, '{"x-api-key":"[redacted]","q":"中文"}'],
    [`Cookie: session=abc123456; theme=dark`, "Cookie: [redacted]"],
    [`X-API-Key = ${TOKEN}\nnext line`, "X-API-Key = [redacted]\nnext line"],
  ])("C24 masks %s", (input, expected) => {
    expect(redactText(input)).toBe(expected);
  });

  it("C24 replaces every occurrence of a known secret, even unlabelled and in Chinese text", () => {
    const out = redactSecrets({ prompt: `密钥是${TOKEN}，再说一遍：${TOKEN}` }, [TOKEN]);
    expect(out.prompt).toBe(`密钥是${REDACTED}，再说一遍：${REDACTED}`);
  });

  it("ignores known secrets too short to search for safely", () => {
    expect(redactText("a cat sat", ["cat"])).toBe("a cat sat");
  });
});

describe("finding 4: a scheme word before the token is not taken for the token", () => {
  it("masks the token in “token Bearer sk-…” and “Token Basic …”", () => {
    expect(redactText("token Bearer sk-live-9f8e7d6c5b4a3210")).toBe("token Bearer [redacted]");
    expect(redactText("Token Basic dXNlcjpwYXNzd29yZA==")).toBe("Token Basic [redacted]");
  });
});

describe("C24 redactLogArgs", () => {
  it("C24 turns an error into its redacted stack, causes included", () => {
    const error = new Error("request failed", { cause: new Error(`upstream said Bearer ${TOKEN}`) });
    const [prefix, text] = redactLogArgs(["[trellis]", error]);
    expect(prefix).toBe("[trellis]");
    expect(text).toContain("request failed");
    expect(text).toContain("Caused by: Error: upstream said Bearer [redacted]");
    expect(String(text)).not.toContain(TOKEN);
  });
});
