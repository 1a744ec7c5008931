import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { Client } from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { createDb, type DbHandle } from "@/lib/db/client";
import { getDocumentById } from "@/lib/db/queries/documents";
import { createInProcessQueue } from "@/lib/jobs/in-process";
import { createPgBossQueue } from "@/lib/jobs/pg-boss";
import { createFileStore } from "@/lib/storage/files";
import { addText, countingEmbedder, newKb, WS } from "./kb-fixtures";

/**
 * The kill test: a child process ingests a long document with a slow embedder; once it has
 * stored a few batches it is SIGKILLed (no cleanup runs). The worker's resume on the same
 * database must then finish the document: ready, every chunk index exactly once, and the
 * batches the child stored are not embedded again.
 */

const LONG_TEXT = Array.from({ length: 120 }, (_, i) => `第${i + 1}条 各级统计机构应当依法履行第${i + 1}项职责，保障统计资料的真实性、准确性和完整性。`).join("\n\n");

/** Runs the child and kills it after it reports `killAfter` stored batches; resolves with the last progress seen. */
function runAndKill(target: string, filesDir: string, documentId: string, killAfter = 3): Promise<number> {
  return new Promise((resolve, reject) => {
    // node itself (not npx, whose grandchild a SIGKILL would miss) with tsx as a loader.
    const child = spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", "tests/support/ingest-child.ts", target, filesDir, documentId], {
      cwd: process.cwd(),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let lines = 0;
    let embedded = 0;
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += String(d)));
    child.stdout.on("data", (data: Buffer) => {
      for (const line of String(data).split("\n")) {
        const m = /^progress (\d+)\/(\d+)/.exec(line);
        if (!m) continue;
        lines += 1;
        embedded = Number(m[1]);
        if (lines === killAfter) {
          console.info(`[kill test] SIGKILL after ${embedded} of ${m[2]} chunks`);
          child.kill("SIGKILL");
        }
      }
    });
    child.on("exit", (code, signal) => (signal === "SIGKILL" ? resolve(embedded) : reject(new Error(`child exited ${code} before the kill: ${stderr}`))));
  });
}

async function checkResumed(handle: DbHandle, filesDir: string, documentId: string, embeddedBeforeKill: number, boss?: string) {
  const db = handle.db;
  const doc = await getDocumentById(db, WS, documentId);
  expect(doc?.status).toBe("embedding");
  const embedder = countingEmbedder();
  const deps = { db, files: createFileStore(filesDir), embedder, batchSize: 8 };
  const queue = boss ? createPgBossQueue(deps, boss) : createInProcessQueue(deps);
  await queue.startIngestionWorker();
  await queue.idle();
  await queue.stop();
  const done = await getDocumentById(db, WS, documentId);
  expect(done).toMatchObject({ status: "ready", progress: 1 });
  const rows = await db.execute<{ index: number; n: number }>(
    // Raw SQL keeps the assertion independent of the code under test.
    sql`select index, count(*)::int as n from chunks where document_id = ${documentId} group by index order by index`,
  );
  expect(rows.rows.map((r) => r.index)).toEqual([...Array(done!.chunkCount).keys()]);
  expect(rows.rows.every((r) => r.n === 1)).toBe(true);
  // Batches stored before the kill were not embedded again.
  expect(embedder.texts).toBeLessThanOrEqual(done!.chunkCount - embeddedBeforeKill);
  expect(embeddedBeforeKill).toBeGreaterThan(0);
}

describe("kill and resume [pglite]", () => {
  const dirs: string[] = [];
  afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

  it("finishes a document after the ingesting process is SIGKILLed, with no duplicate chunks", async () => {
    const root = await mkdtemp(path.join(tmpdir(), "trellis-kill-"));
    dirs.push(root);
    const dataDir = path.join(root, "pglite");
    const filesDir = path.join(root, "files");
    let handle = await createDb({ dataDir });
    const kb = await newKb(handle.db, "kill", { mode: "general", chunkSize: 80, chunkOverlap: 10, parentSize: 400 });
    const doc = await addText(handle.db, createFileStore(filesDir), kb.id, "long.txt", LONG_TEXT);
    await handle.close();

    const embedded = await runAndKill(dataDir, filesDir, doc.id);
    handle = await createDb({ dataDir });
    try {
      await checkResumed(handle, filesDir, doc.id, embedded);
    } finally {
      await handle.close();
    }
  }, 180_000);
});

const url = process.env.TEST_DATABASE_URL;
describe.runIf(Boolean(url))("kill and resume [postgres, pg-boss]", () => {
  const name = `trellis_test_kill_${randomBytes(4).toString("hex")}`;
  let dbUrl = "";
  let root = "";
  afterAll(async () => {
    if (root) await rm(root, { recursive: true, force: true });
    const admin = new Client({ connectionString: url });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  });

  it("a pg-boss worker resumes the killed ingestion; pg-boss keeps its tables in its own schema", async () => {
    const admin = new Client({ connectionString: url });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const u = new URL(url as string);
    u.pathname = `/${name}`;
    dbUrl = u.toString();
    const setup = new Client({ connectionString: dbUrl });
    await setup.connect();
    await setup.query("CREATE EXTENSION IF NOT EXISTS vector");
    await setup.end();

    root = await mkdtemp(path.join(tmpdir(), "trellis-kill-pg-"));
    const filesDir = path.join(root, "files");
    const handle = await createDb({ url: dbUrl });
    try {
      const kb = await newKb(handle.db, "kill-pg", { mode: "general", chunkSize: 80, chunkOverlap: 10, parentSize: 400 });
      const doc = await addText(handle.db, createFileStore(filesDir), kb.id, "long.txt", LONG_TEXT);
      const embedded = await runAndKill(dbUrl, filesDir, doc.id);
      await checkResumed(handle, filesDir, doc.id, embedded, dbUrl);
      const schemas = await handle.db.execute<{ n: number }>(sql`select count(*)::int as n from information_schema.tables where table_schema = 'pgboss'`);
      expect(schemas.rows[0].n).toBeGreaterThan(0);
    } finally {
      await handle.close();
    }
  }, 180_000);
});
