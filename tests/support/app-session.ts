import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

/**
 * For tests that call route handlers directly: points the app's own database (getDb) at a fresh
 * embedded PGlite and logs in an owner, so requests pass route()'s authentication exactly as a
 * browser's would (session cookie + same-origin Origin header).
 * Call `await appSession()` in beforeAll, before anything opens the app's database.
 * @example const s = await appSession(); await handler(s.request("http://127.0.0.1/api/v1/x", { method: "POST", body }), …);
 */
export async function appSession(options: { /** A PostgreSQL database instead of PGlite. */ databaseUrl?: string } = {}): Promise<{
  cookie: string;
  request(url: string, init?: RequestInit): Request;
  dispose(): Promise<void>;
}> {
  const dataDir = mkdtempSync(path.join(tmpdir(), "trellis-app-"));
  process.env.DATA_DIR = dataDir;
  process.env.DATABASE_URL = options.databaseUrl ?? "";
  const { getDb, closeDb } = await import("@/lib/db");
  const { setupOwner } = await import("@/lib/server/accounts");
  const { token } = await setupOwner(await getDb(), { email: "owner@test.local", name: "Owner", password: "owner-password" });
  const cookie = `trellis_session=${token}`;
  return {
    cookie,
    request(url, init = {}) {
      const headers = new Headers(init.headers);
      headers.set("cookie", cookie);
      headers.set("origin", new URL(url).origin);
      headers.set("host", new URL(url).host);
      return new Request(url, { ...init, headers });
    },
    async dispose() {
      await closeDb();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
