/**
 * `npm run worker`: ingestion workers for a PostgreSQL deployment. Run it on any machine that
 * shares DATABASE_URL (and the DATA_DIR/files folder, where uploads are stored); every worker
 * takes jobs from the same pg-boss queue. On start it re-enqueues documents a crashed process
 * left unfinished. Stops gracefully on SIGINT/SIGTERM (running jobs resume elsewhere or later).
 *
 * The npm script runs tsx with `--conditions=react-server`, so the server modules' `server-only`
 * marker resolves to its empty build outside Next.js.
 *
 * Embedded PGlite has a single owner process (the app), which runs ingestion itself: there this
 * command refuses to start rather than open the same folder twice.
 */
import { closeDb } from "@/lib/db";
import { env } from "@/lib/env";
import { getIngestionQueue } from "@/lib/server/ingestion";

async function main(): Promise<void> {
  const { DATABASE_URL } = env();
  if (!DATABASE_URL) {
    console.error(
      "npm run worker needs DATABASE_URL (a PostgreSQL server). With the embedded database the app itself processes uploads.\n" +
        "npm run worker 需要设置 DATABASE_URL（PostgreSQL 服务器）。使用内置数据库时，应用本身会处理上传的文档。",
    );
    process.exit(2);
  }
  const queue = await getIngestionQueue();
  console.log(`[worker] ingestion worker running (${queue.kind}); Ctrl+C to stop`);
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`[worker] ${signal}: finishing running jobs…`);
    await queue.stop(15_000);
    await closeDb();
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
}

main().catch((error) => {
  console.error(`[worker] failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
