import path from "node:path";
import type { PGlite } from "@electric-sql/pglite";
import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
import { migrate as migratePgDb } from "drizzle-orm/node-postgres/migrator";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePgliteDb } from "drizzle-orm/pglite/migrator";
import { Client } from "pg";

/**
 * Applying drizzle migrations from code, for both drivers. This is the only way the schema
 * changes: `drizzle-kit migrate` opens PGlite without the vector extension and fails, so the app
 * (at first database use), the tests and `npm run db:migrate` all come through here.
 *
 * This module has no `server-only` marker so that the migration script can run it under tsx.
 */

/** `./drizzle` of the project the process was started in (where drizzle-kit writes). */
export function defaultMigrationsFolder(): string {
  return path.resolve(process.cwd(), "drizzle");
}

/**
 * Migrates an open PGlite instance (it must have been created with the vector extension).
 * @example await migratePglite(pglite, defaultMigrationsFolder());
 */
export async function migratePglite(client: PGlite, migrationsFolder: string): Promise<void> {
  await migratePgliteDb(drizzlePglite({ client }), { migrationsFolder });
}

/** Long enough for an index build, short enough that a stuck server does not hang a deploy. */
const MIGRATION_STATEMENT_TIMEOUT_MS = 300_000;
/** Any stable number: the advisory lock that serialises concurrent migrators on one server. */
const MIGRATION_LOCK_KEY = 7_320_417_113;

/**
 * Migrates a PostgreSQL database on its own connection, under an advisory lock, so two app
 * processes starting at once do not both apply the same migration.
 * @example await migratePostgres("postgres://postgres@127.0.0.1:5432/trellis", defaultMigrationsFolder());
 */
export async function migratePostgres(url: string, migrationsFolder: string): Promise<void> {
  const client = new Client({
    connectionString: url,
    connectionTimeoutMillis: 5_000,
    statement_timeout: MIGRATION_STATEMENT_TIMEOUT_MS,
    query_timeout: MIGRATION_STATEMENT_TIMEOUT_MS + 5_000,
  });
  // A server that goes away mid-migration emits 'error' on the client; the pending query rejects.
  client.on("error", () => {});
  await client.connect();
  try {
    await client.query("SET client_min_messages = warning");
    await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK_KEY]);
    try {
      await migratePgDb(drizzlePg({ client }), { migrationsFolder });
    } finally {
      await client.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await client.end();
  }
}
