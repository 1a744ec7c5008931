import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * The auth routes and route()'s gate, called as Next.js calls them, on the app's own database
 * (a temporary embedded PGlite in DATA_DIR).
 */
const dataDir = mkdtempSync(path.join(tmpdir(), "trellis-auth-"));
process.env.DATA_DIR = dataDir;
process.env.DATABASE_URL = "";
process.env.TRELLIS_ADMIN_EMAIL = "";
process.env.TRELLIS_ADMIN_PASSWORD = "";

const ORIGIN = "http://studio.test";
type Mod = { [method: string]: (req: Request, seg: { params: Promise<Record<string, string>> }) => Promise<Response> };
const mods: Record<string, Mod> = {};
const call = async (mod: string, method: string, opts: { body?: unknown; cookie?: string; origin?: string | null; auth?: string; params?: Record<string, string> } = {}) => {
  const headers: Record<string, string> = { host: "studio.test" };
  if (opts.body !== undefined) headers["content-type"] = "application/json";
  if (opts.cookie) headers.cookie = opts.cookie;
  if (opts.origin !== null && method !== "GET") headers.origin = opts.origin ?? ORIGIN;
  if (opts.auth) headers.authorization = opts.auth;
  const req = new Request(`${ORIGIN}/api/v1/x`, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
  return mods[mod][method](req, { params: Promise.resolve(opts.params ?? {}) });
};
const cookieOf = (res: Response) => res.headers.getSetCookie().find((c) => c.startsWith("trellis_session="))!.split(";")[0];

describe("accounts through the API routes", () => {
  let ownerCookie = "";

  beforeAll(async () => {
    Object.assign(mods, {
      state: await import("@/app/api/v1/auth/state/route"),
      setup: await import("@/app/api/v1/auth/setup/route"),
      login: await import("@/app/api/v1/auth/login/route"),
      logout: await import("@/app/api/v1/auth/logout/route"),
      flows: await import("@/app/api/v1/flows/route"),
      providers: await import("@/app/api/v1/providers/route"),
      invites: await import("@/app/api/v1/invites/route"),
      inviteInfo: await import("@/app/api/v1/auth/invites/[token]/route"),
      accept: await import("@/app/api/v1/auth/invites/[token]/accept/route"),
      keys: await import("@/app/api/v1/api-keys/route"),
      key: await import("@/app/api/v1/api-keys/[keyId]/route"),
      me: await import("@/app/api/v1/me/route"),
    });
  });

  afterAll(async () => {
    const { closeDb } = await import("@/lib/db");
    await closeDb();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("asks for the owner account first, creates it once, and logs the owner in with a HttpOnly, SameSite=Lax cookie", async () => {
    expect(await (await call("state", "GET")).json()).toEqual({ setupRequired: true, user: null });
    const res = await call("setup", "POST", { body: { email: "Owner@Example.test", name: "王小明", password: "pass-phrase-1" } });
    expect(res.status).toBe(201);
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith("trellis_session="))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).not.toMatch(/Secure/); // plain http here; Secure behind HTTPS
    expect((await res.json()).user).toMatchObject({ email: "owner@example.test", role: "owner" });
    ownerCookie = cookieOf(res);
    const again = await call("setup", "POST", { body: { email: "evil@example.test", name: "x", password: "pass-phrase-2" } });
    expect(again.status).toBe(409);
    expect((await again.json()).error.code).toBe("already_set_up");
  });

  it("C1 the API refuses a request without a session, with a forged cookie, or with a made-up key", async () => {
    expect((await call("flows", "GET")).status).toBe(401);
    expect((await call("flows", "GET", { cookie: "trellis_session=forged" })).status).toBe(401);
    expect((await call("flows", "GET", { auth: "Bearer trl_aaaaaaaaaaaa_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" })).status).toBe(401);
    expect((await call("flows", "GET", { cookie: ownerCookie })).status).toBe(200);
  });

  it("CSRF: a cookie-authenticated write from another origin, or with no origin at all, is refused and changes nothing", async () => {
    for (const origin of ["https://evil.example", "null", null]) {
      const res = await call("flows", "POST", { cookie: ownerCookie, origin, body: { name: "csrf" } });
      expect(res.status, String(origin)).toBe(403);
      expect((await res.json()).error.code).toBe("csrf");
    }
    const listed = await (await call("flows", "GET", { cookie: ownerCookie })).json();
    expect(listed.flows.map((f: { name: string }) => f.name)).not.toContain("csrf");
    expect((await call("flows", "POST", { cookie: ownerCookie, body: { name: "ok" } })).status).toBe(201);
  });

  it("logs in with the right password only, answering wrong email and wrong password alike, then throttles guessing", async () => {
    const good = await call("login", "POST", { body: { email: "OWNER@example.test", password: "pass-phrase-1" } });
    expect(good.status).toBe(200);
    const wrongPassword = await call("login", "POST", { body: { email: "owner@example.test", password: "nope-nope" } });
    const unknownEmail = await call("login", "POST", { body: { email: "nobody@example.test", password: "nope-nope" } });
    expect(wrongPassword.status).toBe(401);
    expect(await wrongPassword.json()).toEqual(await unknownEmail.json());
    let last = 401;
    for (let i = 0; i < 12 && last === 401; i++) last = (await call("login", "POST", { body: { email: "owner@example.test", password: `guess-${i}` } })).status;
    expect(last).toBe(429);
    // The right password is refused too while throttled: the limiter stops guessing, not typos only.
    expect((await call("login", "POST", { body: { email: "owner@example.test", password: "pass-phrase-1" } })).status).toBe(429);
  });

  it("an invited viewer may read and run but not change anything or manage the workspace", async () => {
    const created = await call("invites", "POST", { cookie: ownerCookie, body: { role: "viewer" } });
    expect(created.status).toBe(201);
    const { url } = await created.json();
    const token = url.split("/").pop();
    expect(await (await call("inviteInfo", "GET", { params: { token } })).json()).toMatchObject({ role: "viewer", email: null });
    const joined = await call("accept", "POST", { params: { token }, body: { name: "访客", password: "viewer-pass-1", email: "viewer@example.test" } });
    expect(joined.status).toBe(201);
    const viewer = cookieOf(joined);
    expect((await call("accept", "POST", { params: { token }, body: { name: "again", password: "viewer-pass-2", email: "v2@example.test" } })).status).toBe(404);
    expect((await call("flows", "GET", { cookie: viewer })).status).toBe(200);
    const write = await call("flows", "POST", { cookie: viewer, body: { name: "nope" } });
    expect(write.status).toBe(403);
    expect((await write.json()).error.code).toBe("forbidden");
    expect((await call("providers", "POST", { cookie: viewer, body: { name: "x", kind: "ollama", baseUrl: "http://127.0.0.1:1" } })).status).toBe(403);
    expect((await call("keys", "GET", { cookie: viewer })).status).toBe(403);
    expect((await call("invites", "POST", { cookie: viewer, body: { role: "owner" } })).status).toBe(403);
  });

  it("an API key works without a cookie or origin, is shown once, and stops working when revoked", async () => {
    const created = await call("keys", "POST", { cookie: ownerCookie, body: { name: "CI 脚本", role: "editor" } });
    expect(created.status).toBe(201);
    const { key, secret } = await created.json();
    expect(secret).toMatch(/^trl_[a-z2-7]{12}_[A-Za-z0-9_-]{43}$/);
    const listed = await (await call("keys", "GET", { cookie: ownerCookie })).json();
    expect(JSON.stringify(listed)).not.toContain(secret.split("_").pop());
    expect(listed.keys[0]).toMatchObject({ id: key.id, name: "CI 脚本", role: "editor", prefix: `trl_${key.id}` });
    const auth = `Bearer ${secret}`;
    expect((await call("flows", "POST", { auth, origin: null, body: { name: "from CI" } })).status).toBe(201);
    expect((await call("keys", "GET", { auth })).status).toBe(403); // an editor key cannot manage keys
    expect((await call("me", "GET", { auth })).status).toBe(400);
    expect((await call("key", "DELETE", { cookie: ownerCookie, params: { keyId: key.id } })).status).toBe(204);
    expect((await call("flows", "GET", { auth })).status).toBe(401);
  });

  it("remembers the language per person and hands it back at the next login", async () => {
    expect((await call("me", "PATCH", { cookie: ownerCookie, body: { locale: "zh" } })).status).toBe(200);
    const viewerLogin = await call("login", "POST", { body: { email: "viewer@example.test", password: "viewer-pass-1" } });
    expect(viewerLogin.headers.getSetCookie().some((c) => c.startsWith("trellis-locale="))).toBe(false);
    await call("me", "PATCH", { cookie: cookieOf(viewerLogin), body: { locale: "zh" } });
    const again = await call("login", "POST", { body: { email: "viewer@example.test", password: "viewer-pass-1" } });
    expect(again.headers.getSetCookie()).toContainEqual(expect.stringMatching(/^trellis-locale=zh;/));
  });

  it("logout deletes the session: the same cookie no longer works", async () => {
    const login = await call("login", "POST", { body: { email: "viewer@example.test", password: "viewer-pass-1" } });
    const cookie = cookieOf(login);
    expect((await call("flows", "GET", { cookie })).status).toBe(200);
    const out = await call("logout", "POST", { cookie });
    expect(out.status).toBe(204);
    expect(out.headers.getSetCookie()[0]).toMatch(/Max-Age=0/);
    expect((await call("flows", "GET", { cookie })).status).toBe(401);
  });
});
