import { randomBytes } from "node:crypto";
import { Client } from "pg";

/**
 * A database of the test's own on the PostgreSQL server of `adminUrl` (TEST_DATABASE_URL), with
 * pgvector, dropped (connections and all) by `drop`. Plain `pg`, no app modules, so unit and
 * end-to-end suites can both use it.
 * @example const pg = await scratchPostgres(process.env.TEST_DATABASE_URL!, "jobs"); … await pg.drop();
 */
export async function scratchPostgres(adminUrl: string, label = "test"): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `trellis_${label}_${randomBytes(5).toString("hex")}`;
  const run = async (url: string, sql: string) => {
    const c = new Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  await run(adminUrl, `CREATE DATABASE ${name}`);
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  await run(u.toString(), "SET client_min_messages = warning; CREATE EXTENSION IF NOT EXISTS vector");
  return { url: u.toString(), drop: () => run(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}
