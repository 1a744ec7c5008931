import "server-only";
import { Client } from "pg";
import PgBoss from "pg-boss";
import { ensureAllVectorIndexes, syncAllVectorIndexes } from "@/lib/db/queries/chunk-vectors";
import { listPendingDocumentIds } from "@/lib/db/queries/documents";
import { holdIngestLease, listOrphanedIngestJobs, releaseIngestLease } from "@/lib/db/queries/job-leases";
import { ingestDocument } from "@/lib/rag/ingest";
import { refreshKeywordsInBackground } from "@/lib/rag/keyword-refresh";
import { warmUpKeywords } from "@/lib/text/keywords";
import { DEFAULT_CONCURRENCY, type IngestionQueue, type RunnerDeps } from "./types";

/** The pg-boss queue that carries ingestion jobs ({ documentId }). */
export const INGEST_QUEUE = "ingest-document";

/**
 * The PostgreSQL runner: jobs live in pg-boss's own schema (`pgboss`, created by pg-boss on
 * first start in the same database), so `npm run worker` processes on any machine that shares
 * DATABASE_URL take work from one queue. The queue's "stately" policy with the document id as
 * singleton key keeps at most one waiting and one running job per document; failures that may
 * pass (model server or database down) are retried with exponential backoff, and the last
 * attempt marks the document failed with its error.
 *
 * A worker that dies mid-job (SIGKILL, power loss) leaves its job "active" in pg-boss, which
 * would block the document for an hour. Every worker holds a lease (an advisory lock, on a
 * connection of its own) for each document it ingests; at start and every 10 s it cancels active
 * jobs whose lease is free and queues their documents again (lib/db/queries/job-leases.ts).
 *
 * @example
 * const queue = createPgBossQueue({ db, files, embedder }, process.env.DATABASE_URL!);
 * await queue.startIngestionWorker();
 */
export function createPgBossQueue(deps: RunnerDeps, connectionString: string, opts: { work?: boolean } = {}): IngestionQueue {
  const concurrency = Math.max(deps.concurrency ?? DEFAULT_CONCURRENCY["pg-boss"], 1);
  const boss = new PgBoss({ connectionString, schema: "pgboss", max: concurrency + 2, application_name: "trellis-ingest" });
  boss.on("error", (error) => console.error(`[jobs] pg-boss: ${error.message}`));
  const controller = new AbortController();
  let ready: Promise<void> | undefined;
  let working: Promise<void> | undefined;
  let sweeper: NodeJS.Timeout | undefined;
  let leaseClient: Promise<Client> | undefined;
  /** Stored keywords made by an older tokenisation being re-made (lib/rag/keyword-refresh.ts). */
  let refreshing: Promise<void> | undefined;

  /** The connection this process's leases live on; if it drops, the next job opens a new one. */
  const leases = () =>
    (leaseClient ??= (async () => {
      const client = new Client({ connectionString, connectionTimeoutMillis: 5_000, application_name: "trellis-ingest-leases" });
      client.on("error", (error) => {
        console.error(`[jobs] lease connection lost: ${error.message}`);
        leaseClient = undefined;
      });
      await client.connect();
      return client;
    })().catch((error: unknown) => {
      leaseClient = undefined;
      throw error;
    }));

  /** Cancels the jobs of dead workers and queues their documents again. */
  const sweep = async () => {
    for (const job of await listOrphanedIngestJobs(deps.db, INGEST_QUEUE)) {
      console.error(`[jobs] ingestion of document ${job.documentId} was left by a worker that is gone; resuming it`);
      await boss.cancel(INGEST_QUEUE, job.id);
      await send(job.documentId);
    }
  };

  const begin = () =>
    (ready ??= (async () => {
      await boss.start();
      await boss.createQueue(INGEST_QUEUE, { name: INGEST_QUEUE, policy: "stately", retryLimit: 4, retryDelay: 5, retryBackoff: true, expireInSeconds: 3600 });
    })());

  const send = async (documentId: string) => {
    await boss.send(INGEST_QUEUE, { documentId }, { singletonKey: documentId });
  };

  const handle = async ([job]: PgBoss.JobWithMetadata<{ documentId: string }>[]) => {
    const client = await leases();
    await holdIngestLease(client, job.data.documentId, controller.signal);
    try {
      await ingestOne(job);
    } finally {
      await releaseIngestLease(client, job.data.documentId).catch(() => undefined);
    }
  };

  const ingestOne = async (job: PgBoss.JobWithMetadata<{ documentId: string }>) => {
    const result = await ingestDocument(
      {
        db: deps.db,
        files: deps.files,
        embedder: deps.embedder,
        batchSize: deps.batchSize,
        maxBytes: deps.maxBytes,
        onProgress: deps.onProgress,
        signal: controller.signal,
        retryTransient: job.retryCount < job.retryLimit,
      },
      job.data.documentId,
    );
    deps.onDocument?.(result);
    // The last job out folds the new chunks into the HNSW index (others skip via an advisory lock).
    if ((await boss.getQueueSize(INGEST_QUEUE)) === 0) await syncAllVectorIndexes(deps.db);
  };

  return {
    kind: "pg-boss",
    async enqueueIngestion(documentId) {
      await begin();
      await send(documentId);
    },
    startIngestionWorker() {
      working ??= (async () => {
        await begin();
        await ensureAllVectorIndexes(deps.db);
        // Resume: documents left queued/parsing/embedding by a crashed or stopped process …
        for (const id of await listPendingDocumentIds(deps.db)) await send(id);
        if (opts.work === false) return;
        warmUpKeywords();
        // … and jobs a dead worker still holds "active".
        await sweep().catch((error: unknown) => console.error(`[jobs] sweep failed: ${String(error)}`));
        sweeper = setInterval(() => void sweep().catch(() => undefined), 10_000);
        sweeper.unref?.();
        refreshing = refreshKeywordsInBackground(deps.db, controller.signal);
        for (let i = 0; i < concurrency; i++) {
          await boss.work<{ documentId: string }>(INGEST_QUEUE, { batchSize: 1, pollingIntervalSeconds: 0.5, includeMetadata: true }, handle);
        }
        await syncAllVectorIndexes(deps.db);
      })();
      return working;
    },
    async idle() {
      await begin();
      // Waiting, retrying or running jobs (states before "completed").
      while ((await boss.getQueueSize(INGEST_QUEUE, { before: "completed" })) > 0) await new Promise((r) => setTimeout(r, 200));
      await syncAllVectorIndexes(deps.db);
    },
    async stop(timeoutMs = 10_000) {
      if (sweeper) clearInterval(sweeper);
      if (!ready) return;
      const timer = setTimeout(() => controller.abort(), Math.max(timeoutMs - 1_000, 0));
      await boss.stop({ graceful: true, wait: true, timeout: timeoutMs });
      await refreshing;
      clearTimeout(timer);
      const client = await leaseClient?.catch(() => undefined);
      leaseClient = undefined;
      await client?.end().catch(() => undefined);
    },
  };
}
