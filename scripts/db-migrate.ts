/**
 * `npm run db:migrate`: applies the SQL migrations in ./drizzle to the database the environment
 * selects — the PostgreSQL server in DATABASE_URL, or else the PGlite folder DATA_DIR/pglite —
 * through the same code the app runs at start (drizzle-kit migrate cannot load pgvector into
 * PGlite). The app also migrates by itself on first use; this is for deploys and inspection.
 *
 * PGlite does not lock its folder: stop the app before migrating its PGlite folder.
 *
 * lib/env.ts is `server-only` and cannot be loaded by tsx, so the two variables are read here
 * with the same defaults (DATA_DIR "./data").
 *
 * @example DATABASE_URL=postgres://postgres@127.0.0.1:5432/trellis npm run db:migrate
 */
import path from "node:path";
import { sql } from "drizzle-orm";
import { createDb } from "@/lib/db/client";

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL || undefined;
  const dataDir = path.join(path.resolve(process.env.DATA_DIR || "./data"), "pglite");
  const target = url ? `PostgreSQL ${redact(url)}` : `PGlite ${dataDir}`;
  console.log(`Migrating ${target} …`);
  const started = Date.now();
  const { db, close } = await createDb(url ? { url } : { dataDir });
  try {
    const applied = await db.execute<{ n: number }>(sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
    const vector = await db.execute<{ v: string }>(sql`select extversion as v from pg_extension where extname = 'vector'`);
    console.log(`Done in ${Date.now() - started} ms: ${applied.rows[0]?.n ?? 0} migrations applied in total; pgvector ${vector.rows[0]?.v ?? "missing"}.`);
  } finally {
    await close();
  }
}

/** The URL without its password, for the log. */
function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "(unparseable DATABASE_URL)";
  }
}

main().catch((error: unknown) => {
  const cause = (error as { cause?: unknown }).cause;
  console.error(`Migration failed: ${error instanceof Error ? error.message : String(error)}`);
  if (cause instanceof Error) console.error(`  cause: ${cause.message}`);
  process.exitCode = 1;
});
