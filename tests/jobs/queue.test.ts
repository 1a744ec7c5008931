import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type DbHandle } from "@/lib/db/client";
import { createDocument, listDocuments } from "@/lib/db/queries/documents";
import { createInProcessQueue } from "@/lib/jobs/in-process";
import { createPgBossQueue, INGEST_QUEUE } from "@/lib/jobs/pg-boss";
import type { IngestionQueue, RunnerDeps } from "@/lib/jobs/types";
import type { FileStore } from "@/lib/storage/files";
import { addText, countingEmbedder, newKb, scratchPostgres, tempFileStore, WS } from "./kb-fixtures";

/**
 * Both runners, same contract: documents enqueued are ingested (a bad one fails alone),
 * documents left pending by an earlier process are resumed on start, a document is not queued
 * twice, and once the queue drains every chunk is in the HNSW index.
 */
type Make = (deps: RunnerDeps) => IngestionQueue;

function queueSuite(label: string, open: () => Promise<{ handle: DbHandle; make: Make; dispose(): Promise<void> }>) {
  describe(`ingestion queue [${label}]`, () => {
    let handle: DbHandle;
    let make: Make;
    let dispose: () => Promise<void>;
    let files: FileStore;
    let disposeFiles: () => Promise<void>;
    beforeAll(async () => {
      ({ handle, make, dispose } = await open());
      ({ files, dispose: disposeFiles } = await tempFileStore());
    });
    afterAll(async () => {
      await dispose();
      await disposeFiles();
    });

    it("resumes pending documents on start, ingests new ones, fails a bad file alone, and indexes at the end", async () => {
      const db = handle.db;
      const kb = await newKb(db, `queue ${label}`);
      // Left "queued" by a process that died before working on it.
      const leftover = await addText(db, files, kb.id, "leftover.txt", "剩余的文档：仓库管理制度。 ".repeat(50));
      const embedder = countingEmbedder();
      const queue = make({ db, files, embedder, batchSize: 32 });
      await queue.startIngestionWorker();
      const fresh = await addText(db, files, kb.id, "fresh.txt", "Fresh document about shipping schedules. ".repeat(60));
      const { document: bad } = await createDocument(db, files, WS, kb.id, { name: "bad.txt", bytes: new Uint8Array(0) });
      for (const id of [fresh.id, bad.id, fresh.id]) await queue.enqueueIngestion(id);
      await queue.idle();
      const docs = Object.fromEntries((await listDocuments(db, WS, kb.id)).map((d) => [d.name, d]));
      expect(docs["leftover.txt"]).toMatchObject({ status: "ready", progress: 1 });
      expect(docs["fresh.txt"]).toMatchObject({ status: "ready" });
      expect(docs["bad.txt"]).toMatchObject({ status: "failed", error: { code: "FILE_EMPTY" } });
      expect(embedder.texts).toBe(docs["leftover.txt"].chunkCount + docs["fresh.txt"].chunkCount);
      const pending = await db.execute<{ n: number }>(
        sql`select count(*)::int as n from chunks where knowledge_base_id = ${kb.id} and dims is null`,
      );
      expect(pending.rows[0].n).toBe(0);
      await queue.stop();
      expect(leftover.id).toBeTruthy();
    }, 120_000);
  });
}

queueSuite("in-process, pglite", async () => {
  const handle = await createDb({ dataDir: "memory" });
  return { handle, make: (deps) => createInProcessQueue(deps), dispose: () => handle.close() };
});

const adminUrl = process.env.TEST_DATABASE_URL;
if (adminUrl) {
  queueSuite("pg-boss, postgres", async () => {
    const scratch = await scratchPostgres(adminUrl);
    const handle = await createDb({ url: scratch.url });
    return {
      handle,
      make: (deps) => createPgBossQueue({ ...deps, concurrency: 2 }, scratch.url),
      dispose: async () => {
        await handle.close();
        await scratch.drop();
      },
    };
  });

  describe("pg-boss queue settings", () => {
    it("dedupes jobs per document (stately policy, singleton key)", async () => {
      const scratch = await scratchPostgres(adminUrl);
      const handle = await createDb({ url: scratch.url });
      try {
        const { files, dispose } = await tempFileStore();
        const kb = await newKb(handle.db, "dedupe");
        const doc = await addText(handle.db, files, kb.id, "a.txt", "dedupe me ".repeat(20));
        // A queue that only enqueues (no workers), so jobs stay waiting.
        const queue = createPgBossQueue({ db: handle.db, files, embedder: countingEmbedder() }, scratch.url, { work: false });
        await queue.startIngestionWorker();
        await queue.enqueueIngestion(doc.id);
        await queue.enqueueIngestion(doc.id);
        const jobs = await handle.db.execute<{ n: number; policy: string }>(
          sql`select count(*)::int as n, max(q.policy) as policy from pgboss.job j join pgboss.queue q on q.name = j.name where j.name = ${INGEST_QUEUE}`,
        );
        expect(jobs.rows[0]).toEqual({ n: 1, policy: "stately" });
        await queue.stop();
        await dispose();
      } finally {
        await handle.close();
        await scratch.drop();
      }
    }, 60_000);
  });
}
