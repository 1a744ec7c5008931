import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { createDb } from "@/lib/db/client";
import { dbCall } from "@/lib/db/errors";
import { createFlow, getFlowById, listFlowsByWorkspaceId } from "@/lib/db/queries/flows";
import { createRun, getRunById } from "@/lib/db/queries/runs";
import { emptyFlow } from "@/lib/flow/schema";

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "trellis-db-"));
  dirs.push(dir);
  return dir;
}
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

const savedEnv = { ...process.env };
afterEach(() => {
  process.env = { ...savedEnv };
});

/** lib/db/index.ts reads lib/env.ts once per module load: load both fresh for each setting. */
async function freshAppDb(vars: Record<string, string | undefined>) {
  Object.assign(process.env, vars);
  for (const [key, value] of Object.entries(vars)) if (value === undefined) delete process.env[key];
  vi.resetModules();
  return import("@/lib/db/index");
}

describe("PGlite in a data folder", () => {
  it("keeps data across a close and reopen, and migrating again changes nothing", async () => {
    const dataDir = path.join(tempDir(), "pglite");
    const first = await createDb({ dataDir });
    const flow = await createFlow(first.db, "local", { name: "持久化", graph: emptyFlow() });
    await first.close();

    const second = await createDb({ dataDir });
    try {
      expect((await getFlowById(second.db, "local", flow.id))?.name).toBe("持久化");
      expect(await listFlowsByWorkspaceId(second.db, "local")).toHaveLength(1);
    } finally {
      await second.close();
    }
  });
});

describe("getDb()", () => {
  it("opens DATA_DIR/pglite once, and marks runs a dead process left running as interrupted", async () => {
    const dataDir = tempDir();
    const before = await createDb({ dataDir: path.join(dataDir, "pglite") });
    const flow = await createFlow(before.db, "local", { name: "f", graph: emptyFlow() });
    const runId = await createRun(before.db, { workspaceId: "local", flowId: flow.id, flowRevision: 1, input: { message: "hi", history: [], variables: {} } });
    await before.close(); // the "killed" process

    const app = await freshAppDb({ DATA_DIR: dataDir, DATABASE_URL: undefined });
    try {
      const db = await app.getDb();
      expect(await app.getDb()).toBe(db);
      expect(await getRunById(db, "local", runId)).toMatchObject({ status: "interrupted", error: { code: "INTERRUPTED" } });
    } finally {
      await app.closeDb();
    }
  });

  it("fails with a bilingual 503 when PostgreSQL is unreachable, and tries again on the next call", async () => {
    const app = await freshAppDb({ DATABASE_URL: "postgres://postgres@127.0.0.1:1/none" });
    const started = Date.now();
    const error = await app.getDb().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "internal:database", status: 503 });
    expect((error as { messageIn(l: "zh"): string }).messageIn("zh")).toMatch(/数据库/);
    expect(Date.now() - started).toBeLessThan(10_000);
    // Not cached: a second call makes a new attempt (and fails the same way).
    await expect(app.getDb()).rejects.toMatchObject({ status: 503 });
    await app.closeDb();
  });
});

const url = process.env.TEST_DATABASE_URL;
describe.runIf(url)("PostgreSQL timeouts", () => {
  it("stops a statement that runs longer than the statement timeout instead of hanging", async () => {
    const { db, close } = await createDb({ url, statementTimeoutMs: 300 });
    try {
      const started = Date.now();
      const error = await dbCall("sleep", () => db.execute(sql`select pg_sleep(5)`)).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: "internal:database", status: 504 });
      expect(Date.now() - started).toBeLessThan(3_000);
    } finally {
      await close();
    }
  });
});
