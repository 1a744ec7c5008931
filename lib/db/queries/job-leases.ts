import "server-only";
import { sql } from "drizzle-orm";
import type { Client } from "pg";
import type { Db } from "../client";
import { dbCall } from "../errors";

/**
 * Proof of life for ingestion jobs on PostgreSQL. A worker holds a session-level advisory lock
 * per document while it ingests it, on a connection of its own; if the process dies, the
 * connection dies and PostgreSQL releases the lock. A job pg-boss still calls "active" whose lock
 * anybody can take therefore belongs to a dead worker (pg-boss itself would only expire it
 * after an hour, and its "stately" policy keeps the document's next job waiting until then).
 */
const LOCK_CLASS = 7311; // Trellis ingestion leases; the object id is hashtext(document id).

/**
 * Takes the document's lease on the worker's lease connection, waiting (without blocking the
 * connection, which other jobs share) while another live worker holds it.
 */
export async function holdIngestLease(client: Client, documentId: string, signal?: AbortSignal): Promise<void> {
  for (;;) {
    const { rows } = await client.query<{ ok: boolean }>("SELECT pg_try_advisory_lock($1, hashtext($2)) AS ok", [LOCK_CLASS, documentId]);
    if (rows[0]?.ok) return;
    if (signal?.aborted) throw signal.reason;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}

export async function releaseIngestLease(client: Client, documentId: string): Promise<void> {
  await client.query("SELECT pg_advisory_unlock($1, hashtext($2))", [LOCK_CLASS, documentId]);
}

export interface ActiveJob {
  id: string;
  documentId: string;
}

/**
 * Active jobs of the queue that started more than `graceSeconds` ago and whose document lease
 * is free: their worker is gone. (The grace covers the moment between pg-boss handing a job out
 * and the worker taking the lease.) Checked with transaction-scoped try-locks, released at once.
 */
export async function listOrphanedIngestJobs(db: Db, queue: string, graceSeconds = 10): Promise<ActiveJob[]> {
  return dbCall("listOrphanedIngestJobs", async () => {
    const exists = await db.execute(sql`SELECT to_regclass('pgboss.job') IS NOT NULL AS ok`);
    if (!(exists.rows[0] as { ok: boolean } | undefined)?.ok) return [];
    return db.transaction(async (tx) => {
      const result = await tx.execute(sql`
        SELECT id::text AS id, data->>'documentId' AS "documentId"
        FROM pgboss.job
        WHERE name = ${queue} AND state = 'active' AND started_on < now() - make_interval(secs => ${graceSeconds})
          AND pg_try_advisory_xact_lock(${LOCK_CLASS}, hashtext(data->>'documentId'))`);
      return result.rows as unknown as ActiveJob[];
    });
  });
}
