import { afterEach, describe, expect, it, vi } from "vitest";

/**
 * The origin cookie-authenticated writes are compared with (lib/server/auth.ts), under each
 * configuration: TRELLIS_PUBLIC_URL, TRELLIS_TRUST_PROXY, neither. The configuration is read once
 * per process, so each case loads the module afresh with its own environment.
 */
async function authWith(env: Record<string, string>) {
  vi.resetModules();
  for (const [key, value] of Object.entries(env)) vi.stubEnv(key, value);
  return import("@/lib/server/auth");
}

function write(headers: Record<string, string>): Request {
  return new Request("http://127.0.0.1:3000/api/v1/flows", { method: "POST", headers: { host: "studio.test", ...headers } });
}

const refused = (check: () => void) => expect(check).toThrow(expect.objectContaining({ code: "csrf", status: 403 }));

afterEach(() => {
  vi.unstubAllEnvs();
});

describe("finding 6: the CSRF origin is the configured public origin; forwarded headers count only from a trusted proxy", () => {
  it("without configuration: the Host header, and X-Forwarded-Host / -Proto are ignored", async () => {
    const { checkCsrf, requestOrigin } = await authWith({ TRELLIS_PUBLIC_URL: "", TRELLIS_TRUST_PROXY: "" });
    const forged = write({ origin: "http://evil.example", "x-forwarded-host": "evil.example", "x-forwarded-proto": "http" });
    expect(requestOrigin(forged)).toBe("http://studio.test");
    refused(() => checkCsrf(forged));
    expect(() => checkCsrf(write({ origin: "http://studio.test", "x-forwarded-host": "evil.example" }))).not.toThrow();
  });

  it("with TRELLIS_PUBLIC_URL=https://bots.example.com: only that origin, whatever Host or forwarded headers say", async () => {
    const { checkCsrf, requestOrigin } = await authWith({ TRELLIS_PUBLIC_URL: "https://bots.example.com/studio", TRELLIS_TRUST_PROXY: "true" });
    expect(requestOrigin(write({}))).toBe("https://bots.example.com");
    expect(() => checkCsrf(write({ origin: "https://bots.example.com" }))).not.toThrow();
    refused(() => checkCsrf(write({ origin: "http://studio.test" })));
    refused(() => checkCsrf(write({ origin: "http://bots.example.com" })));
    refused(() => checkCsrf(write({ origin: "https://evil.example", "x-forwarded-host": "evil.example", "x-forwarded-proto": "https" })));
  });

  it("with TRELLIS_TRUST_PROXY=true: the proxy's X-Forwarded-Host and -Proto name the origin", async () => {
    const { checkCsrf, requestOrigin } = await authWith({ TRELLIS_PUBLIC_URL: "", TRELLIS_TRUST_PROXY: "true" });
    const proxied = write({ origin: "https://bots.example.com", "x-forwarded-host": "bots.example.com", "x-forwarded-proto": "https" });
    expect(requestOrigin(proxied)).toBe("https://bots.example.com");
    expect(() => checkCsrf(proxied)).not.toThrow();
    refused(() => checkCsrf(write({ origin: "http://studio.test", "x-forwarded-host": "bots.example.com", "x-forwarded-proto": "https" })));
  });

  it("refuses a TRELLIS_PUBLIC_URL that is not an http(s) URL, naming the variable", async () => {
    const { env } = await (async () => {
      vi.resetModules();
      vi.stubEnv("TRELLIS_PUBLIC_URL", "bots.example.com");
      return import("@/lib/env");
    })();
    expect(() => env()).toThrow(/TRELLIS_PUBLIC_URL/);
  });
});
