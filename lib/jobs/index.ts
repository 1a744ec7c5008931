import "server-only";
import type { Db, DbDriver } from "@/lib/db";
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
