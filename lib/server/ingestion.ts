import "server-only";
import path from "node:path";
import { getDb, type Db } from "@/lib/db";
import type { KnowledgeBase } from "@/lib/db/schema";
import { env } from "@/lib/env";
import { createIngestionQueue, type IngestionQueue } from "@/lib/jobs";
import { createEmbedder } from "@/lib/providers";
import type { Embedder } from "@/lib/providers/types";
import { createFileStore, type FileStore } from "@/lib/storage/files";
import { resolveProvider } from "./providers";

/*
 * The app's ingestion wiring: where uploaded files live, which embedder a knowledge base uses,
 * and the one queue of this process. lib/jobs runs jobs with whatever it is handed; deciding
 * what to hand it needs the environment and the provider settings, which are this layer's.
 */

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
