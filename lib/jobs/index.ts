import "server-only";
import path from "node:path";
import { getDb, type Db, type DbDriver } from "@/lib/db";
import type { KnowledgeBase } from "@/lib/db/schema";
import { env } from "@/lib/env";
import { createEmbedder } from "@/lib/providers";
import type { Embedder } from "@/lib/providers/types";
import { resolveProvider } from "@/lib/server/providers";
import { createFileStore, type FileStore } from "@/lib/storage/files";
import { createInProcessQueue } from "./in-process";
import { createPgBossQueue } from "./pg-boss";
import type { IngestionQueue, RunnerDeps } from "./types";

export type { IngestionQueue, RunnerDeps } from "./types";
export { createInProcessQueue } from "./in-process";
export { createPgBossQueue, INGEST_QUEUE } from "./pg-boss";

/**
 * The queue for a database: pg-boss on PostgreSQL (shared by every worker on that server), the
 * in-process runner on PGlite (one owner process).
 * @example const queue = createIngestionQueue({ db, driver: "pglite" }, { files, embedder });
 */
export function createIngestionQueue(
  handle: { db: Db; driver: DbDriver; url?: string },
  deps: Omit<RunnerDeps, "db">,
): IngestionQueue {
  if (handle.driver === "postgres") {
    if (!handle.url) throw new Error("createIngestionQueue: a PostgreSQL database needs its URL for pg-boss");
    return createPgBossQueue({ ...deps, db: handle.db }, handle.url);
  }
  return createInProcessQueue({ ...deps, db: handle.db });
}

/**
 * The app's file store: DATA_DIR/files (also with DATABASE_URL — see lib/storage/files.ts).
 * @example const files = appFileStore();
 */
export function appFileStore(): FileStore {
  return createFileStore(path.join(env().DATA_DIR, "files"));
}

/**
 * The embedder a knowledge base was configured with, resolved through the provider settings.
 * @example const embedder = await embedderForKnowledgeBase(db, kb);
 */
export async function embedderForKnowledgeBase(db: Db, kb: KnowledgeBase): Promise<Embedder> {
  return createEmbedder(await resolveProvider(db, kb.workspaceId, kb.embeddingProvider), kb.embeddingModel);
}

const globalForJobs = globalThis as typeof globalThis & { __trellisIngestion?: Promise<IngestionQueue> };

/**
 * The app's ingestion queue, started on first use (which also resumes documents a previous
 * process left unfinished). Upload routes call `(await getIngestionQueue()).enqueueIngestion(id)`.
 * With DATABASE_URL the app process works jobs too; `npm run worker` adds workers elsewhere.
 * @example await (await getIngestionQueue()).enqueueIngestion(document.id);
 */
export function getIngestionQueue(): Promise<IngestionQueue> {
  globalForJobs.__trellisIngestion ??= (async () => {
    const db = await getDb();
    const { DATABASE_URL } = env();
    const queue = createIngestionQueue(
      { db, driver: DATABASE_URL ? "postgres" : "pglite", url: DATABASE_URL },
      { files: appFileStore(), embedder: (kb) => embedderForKnowledgeBase(db, kb) },
    );
    await queue.startIngestionWorker();
    return queue;
  })().catch((error) => {
    globalForJobs.__trellisIngestion = undefined;
    throw error;
  });
  return globalForJobs.__trellisIngestion;
}
