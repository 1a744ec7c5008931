import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PUBLIC_API_ROUTES, PUBLIC_PAGES } from "@/lib/server/public-routes";
import { getFreePort } from "../support/model-server";
import { startApp, type AppServer } from "./support/app-server";
import { builtRoutes, METHODS, type BuiltRoute } from "./support/routes";

/**
 * C1: every route of the built app, enumerated from Next.js's own manifest, called without
 * credentials and with path tricks. A route the manifest lists that answers a stranger without
 * being in lib/server/public-routes.ts fails this test — so a new route cannot ship without a
 * decision about who may call it.
 */
/** A concrete path for a pattern: every [param] becomes a plausible id. */
const concrete = (pattern: string) => pattern.replace(/\[[^\]]+\]/g, "0b5e1c8a-4f0e-4a8e-9d3c-7a2b6c1d9e0f");

/** A raw HTTP request, so path tricks reach the server exactly as written (fetch would normalise them). */
function raw(base: string, method: string, rawPath: string, headers: Record<string, string> = {}): Promise<{ status: number; location?: string; body: string }> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const withBody = ["POST", "PUT", "PATCH"].includes(method);
    const req = http.request({ host: url.hostname, port: url.port, method, path: rawPath, headers: { ...(withBody ? { "content-type": "application/json", "content-length": "2" } : {}), ...headers } }, (res) => {
      let body = "";
      res.on("data", (d) => (body += d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, location: res.headers.location, body }));
    });
    req.on("error", reject);
    req.end(withBody ? "{}" : undefined);
  });
}

const isPublicApi = (pattern: string, method: string) => PUBLIC_API_ROUTES.some((r) => r.path === pattern && r.methods.includes(method));

describe("C1 deny by default: every route of the build, without credentials", () => {
  let app: AppServer;
  let routes: BuiltRoute[];

  beforeAll(async () => {
    app = await startApp({ ollamaBaseUrl: `http://127.0.0.1:${await getFreePort()}` });
    routes = builtRoutes();
  });
  afterAll(() => app?.stop());

  it("C1 finds the app's routes in the build manifest (the enumeration itself works)", () => {
    const api = routes.filter((r) => r.kind === "api").map((r) => r.pattern);
    expect(api).toEqual(expect.arrayContaining(["/api/v1/flows", "/api/v1/flows/[flowId]/runs", "/api/v1/knowledge-bases/[kbId]/documents", "/api/v1/providers", "/api/v1/api-keys"]));
    expect(routes.filter((r) => r.kind === "page").map((r) => r.pattern)).toEqual(expect.arrayContaining(["/", "/flows/[flowId]", "/settings", "/login"]));
    expect(routes.filter((r) => r.kind === "api").length).toBeGreaterThan(30);
  });

  it("C1 every API route and method refuses a stranger with 401, except the listed public ones", async () => {
    const failures: string[] = [];
    for (const route of routes.filter((r) => r.kind === "api")) {
      for (const method of route.methods) {
        const res = await raw(app.url, method, concrete(route.pattern));
        if (isPublicApi(route.pattern, method)) continue;
        if (res.status !== 401) failures.push(`${method} ${route.pattern} → ${res.status} ${res.body.slice(0, 80)}`);
        else expect(JSON.parse(res.body).error.code).toBe("unauthenticated");
      }
    }
    expect(failures).toEqual([]);
  });

  it("C1 every public API route is still in the build, and nothing else answers a stranger", async () => {
    for (const listed of PUBLIC_API_ROUTES) {
      expect(routes.some((r) => r.kind === "api" && r.pattern === listed.path), listed.path).toBe(true);
    }
    // Methods a route does not export are refused too, never served.
    for (const route of routes.filter((r) => r.kind === "api")) {
      for (const method of METHODS.filter((m) => !route.methods.includes(m))) {
        const res = await raw(app.url, method, concrete(route.pattern));
        expect([401, 405], `${method} ${route.pattern}`).toContain(res.status);
      }
    }
  });

  it("C1 a forged or stale session cookie and a made-up API key get 401 too", async () => {
    for (const route of routes.filter((r) => r.kind === "api" && !PUBLIC_API_ROUTES.some((p) => p.path === r.pattern))) {
      const method = route.methods[0];
      const attempts: Record<string, string>[] = [{ cookie: "trellis_session=forged" }, { authorization: "Bearer trl_aaaaaaaaaaaa_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" }, { authorization: "Basic b3duZXI6b3duZXI=" }];
      for (const headers of attempts) {
        const res = await raw(app.url, method, concrete(route.pattern), { ...headers, origin: app.url });
        expect(res.status, `${method} ${route.pattern} ${JSON.stringify(headers)}`).toBe(401);
      }
    }
  });

  it("C1 every studio page sends a stranger to /login and shows nothing of the workspace", async () => {
    for (const route of routes.filter((r) => r.kind === "page")) {
      const res = await raw(app.url, "GET", concrete(route.pattern));
      if (PUBLIC_PAGES.includes(route.pattern)) {
        // Shown, or (for /setup once the owner exists) sent on to /login.
        expect([200, 307], route.pattern).toContain(res.status);
        if (res.status === 307) expect(res.location).toMatch(/^\/login/);
        continue;
      }
      expect(res.status, route.pattern).toBe(307);
      expect(res.location, route.pattern).toMatch(/^\/login(\?next=|$)/);
    }
  });

  it.each([
    ["upper-case prefix", "/API/v1/flows"],
    ["mixed case", "/Api/V1/flows"],
    ["double slash", "//api/v1/flows"],
    ["double slash inside", "/api//v1/flows"],
    ["encoded slashes", "/%2Fapi%2Fv1%2Fflows"],
    ["encoded prefix", "/api%2Fv1%2Fflows"],
    ["trailing semicolon", "/api/v1/flows;"],
    ["matrix parameter", "/api/v1/flows;jsessionid=x"],
    ["..;/ from a public route", "/api/v1/auth/login/..;/../flows"],
    ["..;/ from a public page", "/login/..;/api/v1/flows"],
    ["dot segments from a public route", "/api/v1/health/../flows"],
    ["encoded dot segments", "/api/v1/health/%2e%2e/flows"],
    ["encoded dot-dot-slash", "/api/v1/auth/invites/..%2f..%2fflows"],
    ["trailing slash", "/api/v1/flows/"],
    ["backslash", "/api/v1/health\\..\\flows"],
    ["public prefix with suffix", "/api/v1/healthx/../flows"],
    ["from the static prefix", "/_next/static/../../api/v1/flows"],
    ["from the static prefix, encoded", "/_next/static/..%2F..%2Fapi/v1/flows"],
    ["from the icon", "/icon.svg/../api/v1/flows"],
    ["from the favicon, ..;/", "/favicon.ico/..;/api/v1/flows"],
  ])("C1 path trick (%s) %s never reaches the data", async (_name, trick) => {
    for (const method of ["GET", "POST"]) {
      const res = await raw(app.url, method, trick);
      expect(res.status, `${method} ${trick} → ${res.status}`).not.toBe(200);
      expect(res.status).not.toBe(201);
      expect([301, 302, 307, 308, 400, 401, 404, 405]).toContain(res.status);
      expect(res.body).not.toMatch(/"flows"\s*:/);
    }
  });
});
