import "server-only";
import { syncAllVectorIndexes, ensureAllVectorIndexes } from "@/lib/db/queries/chunk-vectors";
import { listPendingDocumentIds } from "@/lib/db/queries/documents";
import { ingestDocument } from "@/lib/rag/ingest";
import { refreshKeywordsInBackground } from "@/lib/rag/keyword-refresh";
import { warmUpKeywords } from "@/lib/text/keywords";
import { DEFAULT_CONCURRENCY, type IngestionQueue, type RunnerDeps } from "./types";

/**
 * The embedded-mode runner: a FIFO in this process with 1–2 jobs at a time. PGlite has one
 * owner process, so there is nobody to share work with; durability comes from the database —
 * the queue itself is rebuilt on start from the documents still pending.
 *
 * When the queue runs empty, chunks waiting outside the HNSW index are folded in
 * (syncAllVectorIndexes), so a bulk upload is indexed once at the end instead of row by row.
 *
 * @example
 * const queue = createInProcessQueue({ db, files, embedder: (kb) => embedderFor(kb) });
 * await queue.startIngestionWorker();
 * await queue.enqueueIngestion(document.id);
 */
export function createInProcessQueue(deps: RunnerDeps): IngestionQueue {
  const concurrency = Math.min(Math.max(deps.concurrency ?? DEFAULT_CONCURRENCY["in-process"], 1), 2);
  const waiting: string[] = [];
  const known = new Set<string>();
  const controller = new AbortController();
  let running = 0;
  let started: Promise<void> | undefined;
  let stopped = false;
  let syncing: Promise<unknown> | undefined;
  /** Stored keywords made by an older tokenisation being re-made (lib/rag/keyword-refresh.ts). */
  let refreshing: Promise<void> | undefined;
  let idleWaiters: Array<() => void> = [];

  const settleIdle = () => {
    if (running > 0 || waiting.length > 0 || syncing || refreshing) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    waiters.forEach((resolve) => resolve());
  };

  const pump = () => {
    if (!started || stopped) return;
    while (running < concurrency && waiting.length > 0) {
      const id = waiting.shift() as string;
      running += 1;
      void runOne(id).finally(() => {
        running -= 1;
        known.delete(id);
        if (waiting.length === 0 && running === 0 && !stopped) {
          syncing = syncAllVectorIndexes(deps.db)
            .catch((error) => console.error(`[jobs] vector index sync failed: ${String(error)}`))
            .finally(() => {
              syncing = undefined;
              pump();
              settleIdle();
            });
        }
        pump();
        settleIdle();
      });
    }
  };

  const runOne = async (documentId: string) => {
    try {
      const result = await ingestDocument(
        { db: deps.db, files: deps.files, embedder: deps.embedder, batchSize: deps.batchSize, maxBytes: deps.maxBytes, onProgress: deps.onProgress, signal: controller.signal },
        documentId,
      );
      deps.onDocument?.(result);
    } catch (error) {
      // Aborted by stop(), or the database went away: the document stays pending and is
      // picked up again at the next start.
      if (!controller.signal.aborted) console.error(`[jobs] ingestion of ${documentId} stopped: ${String(error)}`);
    }
  };

  return {
    kind: "in-process",
    async enqueueIngestion(documentId) {
      if (known.has(documentId)) return;
      known.add(documentId);
      waiting.push(documentId);
      pump();
    },
    startIngestionWorker() {
      started ??= (async () => {
        warmUpKeywords();
        await ensureAllVectorIndexes(deps.db);
        for (const id of await listPendingDocumentIds(deps.db)) {
          if (!known.has(id)) {
            known.add(id);
            waiting.push(id);
          }
        }
        refreshing = refreshKeywordsInBackground(deps.db, controller.signal).finally(() => {
          refreshing = undefined;
          settleIdle();
        });
      })();
      return started.then(() => {
        pump();
        settleIdle();
      });
    },
    idle() {
      return new Promise<void>((resolve) => {
        idleWaiters.push(resolve);
        settleIdle();
      });
    },
    async stop(timeoutMs = 10_000) {
      stopped = true;
      waiting.length = 0;
      const done = new Promise<void>((resolve) => {
        idleWaiters.push(resolve);
        settleIdle();
      });
      const timer = setTimeout(() => controller.abort(), timeoutMs);
      await done;
      clearTimeout(timer);
    },
  };
}
