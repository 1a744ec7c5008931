import "server-only";
import path from "node:path";
import { env } from "@/lib/env";
import { createDb, type DbHandle } from "./client";
import { toDatabaseError } from "./errors";
import { bootstrapOwnerFromEnv } from "@/lib/auth/bootstrap";
import { pgvectorWarning } from "./pgvector-version";
import { pgvectorVersion } from "./queries/health";
import { markRunningRunsInterrupted } from "./queries/runs";

export { createDb, type CreateDbOptions, type Db, type DbDriver, type DbHandle } from "./client";

/**
 * The app's one database connection. DATABASE_URL selects a PostgreSQL server; otherwise an
 * embedded PGlite lives in DATA_DIR/pglite. The handle is kept on globalThis so Next.js hot
 * reloads reuse it instead of opening the folder (or a pool) again.
 *
 * PGlite does not lock its folder: this process must be its only user. Tools that need the data
 * while the app runs go through the app's API (or use their own DATA_DIR).
 */
const globalForDb = globalThis as typeof globalThis & { __trellisDb?: Promise<DbHandle> };

async function open(): Promise<DbHandle> {
  const { DATABASE_URL, DATA_DIR } = env();
  let handle: DbHandle;
  try {
    handle = await createDb(DATABASE_URL ? { url: DATABASE_URL } : { dataDir: path.join(DATA_DIR, "pglite") });
  } catch (error) {
    throw toDatabaseError("openDatabase", error);
  }
  // Runs still "running" in the database belong to a process that died: say so in their trace.
  await markRunningRunsInterrupted(handle.db);
  // C23: an old pgvector on the operator's server still works, but they should know.
  const warning = pgvectorWarning(await pgvectorVersion(handle.db).catch(() => null));
  if (warning) console.warn(`[db] ${warning}`);
  // The owner from TRELLIS_ADMIN_EMAIL / TRELLIS_ADMIN_PASSWORD, when nobody exists yet.
  await bootstrapOwnerFromEnv(handle.db);
  // Secrets in node settings saved in clear text by an older version are encrypted before anyone
  // reads them (idempotent). A failure leaves them masked on every read, and the server up.
  const { encryptStoredFlowSecrets } = await import("@/lib/server/flow-secrets");
  await encryptStoredFlowSecrets(handle.db).then(
    (count) => count > 0 && console.warn(`[db] encrypted the node secrets of ${count} stored flow graph(s)`),
    (error: unknown) => console.error("[db] could not encrypt stored node secrets", error),
  );
  return handle;
}

/**
 * The database, opened and migrated on first use. A failed open is not cached, so the next
 * request tries again (e.g. once PostgreSQL is back).
 * @example
 * const db = await getDb();
 * const flow = await getFlowById(db, LOCAL_WORKSPACE_ID, params.flowId);
 */
export async function getDb(): Promise<DbHandle["db"]> {
  if (!globalForDb.__trellisDb) {
    const opening = open();
    globalForDb.__trellisDb = opening;
    opening.catch(() => {
      if (globalForDb.__trellisDb === opening) globalForDb.__trellisDb = undefined;
    });
  }
  return (await globalForDb.__trellisDb).db;
}

/**
 * Closes the app's database (on shutdown, and in tests); the next `getDb()` opens it again.
 * @example process.on("SIGTERM", () => void closeDb());
 */
export async function closeDb(): Promise<void> {
  const opening = globalForDb.__trellisDb;
  globalForDb.__trellisDb = undefined;
  if (!opening) return;
  const handle = await opening.catch(() => undefined);
  await handle?.close();
}
