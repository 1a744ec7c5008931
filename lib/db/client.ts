import { mkdir } from "node:fs/promises";
import { PGlite } from "@electric-sql/pglite";
import { vector } from "@electric-sql/pglite-pgvector";
import { drizzle as drizzlePg, type NodePgDatabase } from "drizzle-orm/node-postgres";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { Pool } from "pg";
import * as schema from "./schema";
import { defaultMigrationsFolder, migratePglite, migratePostgres } from "./migrate";
import { probePostgres, StallGuard } from "./stall-guard";

/**
 * The database handle every query takes. Both drivers build the same `PgDatabase` query builder
 * and differ only in the raw result of `db.execute()`; it is typed as the node-postgres flavour
 * so that one set of queries serves both. Queries must therefore read `execute()` results only
 * through `.rows` (present on both) and never `rowCount` (pg only) — use `.returning()` to count.
 */
export type Db = NodePgDatabase<typeof schema>;

export type DbDriver = "pglite" | "postgres";

export interface DbHandle {
  db: Db;
  driver: DbDriver;
  /** Ends the pool or closes PGlite (flushing it to its folder). */
  close(): Promise<void>;
}

export interface CreateDbOptions {
  /** postgres://… — use a PostgreSQL server (with pgvector). Wins over `dataDir`. */
  url?: string;
  /** PGlite data folder, or "memory" for a throwaway in-memory database (tests). */
  dataDir?: string;
  /** Where the SQL migrations are; default ./drizzle of the working directory. */
  migrationsFolder?: string;
  /** Apply migrations before returning (default true). */
  migrate?: boolean;
  /** Server-side cap per statement on PostgreSQL, in ms (default 15 s). */
  statementTimeoutMs?: number;
}

/**
 * Opens a database and brings its schema up to date. The app uses `getDb()` (lib/db/index.ts),
 * which calls this once per process; tests and scripts call it directly for their own database.
 *
 * PGlite does not lock its folder: two processes opening the same `dataDir` silently diverge.
 * One process owns a PGlite folder; other tools go through that process or use their own folder.
 *
 * @example
 * const { db, close } = await createDb({ dataDir: "memory" });
 * try { await listFlowsByWorkspaceId(db, "local"); } finally { await close(); }
 */
export async function createDb(opts: CreateDbOptions = {}): Promise<DbHandle> {
  const migrationsFolder = opts.migrationsFolder ?? defaultMigrationsFolder();
  const shouldMigrate = opts.migrate ?? true;
  if (opts.url) return openPostgres(opts.url, migrationsFolder, shouldMigrate, opts.statementTimeoutMs ?? 15_000);
  return openPglite(opts.dataDir ?? "memory", migrationsFolder, shouldMigrate);
}

async function openPglite(dataDir: string, migrationsFolder: string, shouldMigrate: boolean): Promise<DbHandle> {
  if (dataDir !== "memory") await mkdir(dataDir, { recursive: true });
  const client = await PGlite.create({
    ...(dataDir === "memory" ? {} : { dataDir }),
    extensions: { vector },
  });
  try {
    if (shouldMigrate) await migratePglite(client, migrationsFolder);
  } catch (error) {
    await client.close();
    throw error;
  }
  // PGlite runs inside this process (WASM): there is no connection that can stall, so it needs
  // no timeouts. The cast is safe because PgliteDatabase and NodePgDatabase share PgDatabase;
  // see the `Db` type for the one difference (execute() results) and how queries avoid it.
  const db = drizzlePglite({ client, schema }) as unknown as Db;
  return {
    db,
    driver: "pglite",
    close: async () => {
      if (!client.closed) await client.close();
    },
  };
}

async function openPostgres(url: string, migrationsFolder: string, shouldMigrate: boolean, statementTimeoutMs: number): Promise<DbHandle> {
  if (shouldMigrate) await migratePostgres(url, migrationsFolder);
  const pool = new Pool({
    connectionString: url,
    max: 10,
    // Nothing may hang forever when the server stops or stalls.
    connectionTimeoutMillis: 5_000,
    statement_timeout: statementTimeoutMs,
    query_timeout: statementTimeoutMs + 5_000,
    idle_in_transaction_session_timeout: 30_000,
    idleTimeoutMillis: 30_000,
  });
  // Idle clients emit 'error' when the server goes away; unhandled, that would crash the process.
  pool.on("error", (error) => console.error(`[db] idle PostgreSQL connection lost: ${error.message}`));
  // A server that stalls without closing connections is noticed within ~2 s (lib/db/stall-guard.ts).
  const guard = new StallGuard(() => probePostgres(url));
  guard.install(pool);
  const db = drizzlePg({ client: pool, schema });
  let closed = false;
  return {
    db,
    driver: "postgres",
    close: async () => {
      if (closed) return;
      closed = true;
      guard.dispose();
      await pool.end();
    },
  };
}
