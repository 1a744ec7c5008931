import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, it, vi } from "vitest";
import { scratchPostgres } from "./scratch-postgres";

/**
 * Route handlers called as Next.js calls them, on the app's own database (getDb): an embedded
 * PGlite always, and a database of its own on the PostgreSQL server of TEST_DATABASE_URL when
 * set (CI sets it; with CI=true and no URL the PostgreSQL half fails). Each half starts from
 * fresh modules (so the app's cached configuration and database handle are its own), an owner
 * logged in by cookie, and an editor and a viewer API key.
 * @example
 * forEachAppDatabase("runs", (app) => {
 *   it("runs", async () => { const { POST } = await app.load(() => import("@/app/api/v1/flows/route")); … });
 * });
 */
export interface AppUnderTest {
  /** http://studio.test — requests made by `request` come from this origin. */
  readonly origin: string;
  /** `Authorization` values of API keys with these roles. */
  readonly keys: { editor: string; viewer: string };
  /**
   * A request as a browser (owner's cookie + same-origin Origin) or, with `as`, as a program
   * holding the editor's or viewer's key. `json` sets the body and content type.
   */
  request(pathAndQuery: string, init?: RequestInit & { as?: "owner" | "editor" | "viewer"; json?: unknown; lang?: string }): Request;
  /** Imports a module after this half's fresh start (pass a literal `() => import("@/…")`). */
  load<T>(loader: () => Promise<T>): Promise<T>;
  /** Raw SQL on the app's database. */
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
}

export function forEachAppDatabase(name: string, suite: (app: AppUnderTest) => void, env: Record<string, string> = {}): void {
  describe(`${name} [pglite]`, () => suite(appLifecycle(null, env)));
  const url = process.env.TEST_DATABASE_URL;
  if (url) describe(`${name} [postgres]`, () => suite(appLifecycle(url, env)));
  else if (process.env.CI === "true") {
    describe(`${name} [postgres]`, () => {
      it("needs TEST_DATABASE_URL", () => {
        throw new Error("CI=true but TEST_DATABASE_URL is not set: the PostgreSQL half of the API tests cannot run.");
      });
    });
  } else describe.skip(`${name} [postgres] (set TEST_DATABASE_URL to run)`, () => it("runs against PostgreSQL", () => undefined));
}

function appLifecycle(adminUrl: string | null, extraEnv: Record<string, string>): AppUnderTest {
  const origin = "http://studio.test";
  let dataDir = "";
  let dropPostgres: (() => Promise<void>) | undefined;
  let cookie = "";
  const keys = { editor: "", viewer: "" };

  beforeAll(async () => {
    vi.resetModules();
    dataDir = mkdtempSync(path.join(tmpdir(), "trellis-api-"));
    let databaseUrl = "";
    if (adminUrl) {
      const pg = await scratchPostgres(adminUrl, "api");
      databaseUrl = pg.url;
      dropPostgres = pg.drop;
    }
    Object.assign(process.env, { DATA_DIR: dataDir, DATABASE_URL: databaseUrl, TRELLIS_ADMIN_EMAIL: "", TRELLIS_ADMIN_PASSWORD: "", ...extraEnv });
    const { getDb } = await import("@/lib/db");
    const { setupOwner, issueApiKey } = await import("@/lib/server/accounts");
    const db = await getDb();
    const { token } = await setupOwner(db, { email: "owner@studio.test", name: "Owner", password: "owner-password" });
    cookie = `trellis_session=${token}`;
    const workspaceId = (await rawQuery<{ id: string }>("select id from workspaces limit 1"))[0].id;
    keys.editor = `Bearer ${(await issueApiKey(db, workspaceId, null, { name: "editor", role: "editor" })).secret}`;
    keys.viewer = `Bearer ${(await issueApiKey(db, workspaceId, null, { name: "viewer", role: "viewer" })).secret}`;
  });

  afterAll(async () => {
    // The app keeps its ingestion queue on globalThis (it outlives hot reloads, and so module
    // resets): stop it before its database closes, so the next half starts a queue of its own.
    const app = globalThis as typeof globalThis & { __trellisIngestion?: Promise<{ stop(timeoutMs?: number): Promise<void> }>; __trellisBackgroundWork?: Promise<void> };
    const queue = await app.__trellisIngestion?.catch(() => undefined);
    await queue?.stop(5_000);
    app.__trellisIngestion = undefined;
    await app.__trellisBackgroundWork?.catch(() => undefined);
    app.__trellisBackgroundWork = undefined;
    const { closeDb } = await import("@/lib/db");
    await closeDb();
    await dropPostgres?.();
    for (const key of Object.keys(extraEnv)) delete process.env[key];
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function rawQuery<T>(text: string, params: unknown[] = []): Promise<T[]> {
    const { getDb } = await import("@/lib/db");
    type RawClient = { query(text: string, params: unknown[]): Promise<{ rows: unknown[] }> };
    const client = ((await getDb()) as unknown as { $client: RawClient }).$client;
    return (await client.query(text, params)).rows as T[];
  }

  return {
    origin,
    keys,
    request(pathAndQuery, init = {}) {
      const { as = "owner", json, lang, ...rest } = init;
      const headers = new Headers(rest.headers);
      headers.set("host", new URL(origin).host);
      if (lang) headers.set("accept-language", lang);
      if (json !== undefined) headers.set("content-type", "application/json");
      if (as === "owner") {
        headers.set("cookie", cookie);
        headers.set("origin", origin);
      } else headers.set("authorization", keys[as]);
      return new Request(`${origin}${pathAndQuery}`, { ...rest, headers, body: json !== undefined ? JSON.stringify(json) : rest.body });
    },
    load: (loader) => loader(),
    query: rawQuery,
  };
}
