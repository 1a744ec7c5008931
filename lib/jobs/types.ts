import type { Db } from "@/lib/db/client";
import type { IngestDeps } from "@/lib/rag/ingest";

/**
 * The ingestion queue, whichever runner is behind it: in-process (embedded PGlite, one owner
 * process) or pg-boss (PostgreSQL, workers on any machine sharing DATABASE_URL). Both run the
 * same handler, `ingestDocument`, and both resume: on start they enqueue every document still
 * queued, parsing or embedding.
 */
export interface IngestionQueue {
  readonly kind: "in-process" | "pg-boss";
  /** Asks for a document to be ingested; a document already waiting is not queued twice. */
  enqueueIngestion(documentId: string): Promise<void>;
  /** Starts working: resumes pending documents, then takes new ones. Idempotent. */
  startIngestionWorker(): Promise<void>;
  /** Resolves once nothing is queued or running (and the vector indexes have caught up). */
  idle(): Promise<void>;
  /** Stops taking work and waits for the running jobs (aborting them after `timeoutMs`). */
  stop(timeoutMs?: number): Promise<void>;
}

/**
 * Documents a worker ingests at once unless told otherwise: one in-process (PGlite has a single
 * connection), two per pg-boss worker (Node splits and embeds one while PostgreSQL writes the
 * other: SQuAD's 8 205 chunks ingest ~12 % faster than one at a time on 2 cores).
 */
export const DEFAULT_CONCURRENCY = { "in-process": 1, "pg-boss": 2 } as const;

/** What a runner needs to run `ingestDocument`. */
export interface RunnerDeps {
  db: Db;
  files: IngestDeps["files"];
  embedder: IngestDeps["embedder"];
  batchSize?: number;
  maxBytes?: number;
  /** Jobs processed at once (default 1 in-process, 2 per pg-boss worker). */
  concurrency?: number;
  onProgress?: IngestDeps["onProgress"];
  /** Called after each document (logs). */
  onDocument?(result: Awaited<ReturnType<typeof import("@/lib/rag/ingest").ingestDocument>>): void;
}
