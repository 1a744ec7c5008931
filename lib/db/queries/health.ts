import "server-only";
import { sql } from "drizzle-orm";
import type { Db } from "../client";
import { dbCall } from "../errors";

/** One round trip to the database (health checks): throws the usual 503 AppError when it is down. */
export async function pingDatabase(db: Db): Promise<void> {
  await dbCall("pingDatabase", () => db.execute(sql`SELECT 1`));
}

/** The installed pgvector version ("0.8.0"), or null when the extension is missing. */
export async function pgvectorVersion(db: Db): Promise<string | null> {
  const result = await dbCall("pgvectorVersion", () => db.execute(sql`SELECT extversion FROM pg_extension WHERE extname = 'vector'`));
  return (result.rows[0] as { extversion?: string } | undefined)?.extversion ?? null;
}
