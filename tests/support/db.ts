import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, it } from "vitest";
import { Client } from "pg";
import { createDb, type Db, type DbDriver, type DbHandle } from "@/lib/db/client";

/**
 * Runs a database suite against every database Trellis supports: an in-memory PGlite always,
 * and a real PostgreSQL server when TEST_DATABASE_URL is set (CI sets it). Each suite gets a
 * database of its own — a fresh PGlite, or a database `trellis_test_<random>` created on the
 * server (with the vector extension, created as the superuser of TEST_DATABASE_URL), migrated,
 * and dropped afterwards. In CI (CI=true) a missing TEST_DATABASE_URL fails the suite.
 *
 * @example
 * forEachDatabase("flows", (t) => {
 *   it("creates", async () => { await createFlow(t.db, "local", { name: "a", graph: emptyFlow() }); });
 * });
 */
export interface TestDatabase {
  readonly db: Db;
  readonly driver: DbDriver;
  /** Raw SQL on the same database, for assertions on what is stored (rows as objects). */
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
}

export function forEachDatabase(name: string, suite: (t: TestDatabase) => void): void {
  describe(`${name} [pglite]`, () => suite(lifecycle(openPglite)));

  const url = process.env.TEST_DATABASE_URL;
  if (url) {
    describe(`${name} [postgres]`, () => suite(lifecycle(() => openPostgres(url))));
  } else if (process.env.CI === "true") {
    describe(`${name} [postgres]`, () => {
      it("needs TEST_DATABASE_URL", () => {
        throw new Error("CI=true but TEST_DATABASE_URL is not set: the PostgreSQL half of the database tests cannot run.");
      });
    });
  } else {
    describe.skip(`${name} [postgres] (set TEST_DATABASE_URL to run)`, () => {
      it("runs against PostgreSQL", () => undefined);
    });
  }
}

interface Opened {
  handle: DbHandle;
  query: TestDatabase["query"];
  dispose(): Promise<void>;
}

/** Opens the database before the suite and drops it after; `t.db` is valid inside tests. */
function lifecycle(open: () => Promise<Opened>): TestDatabase {
  let opened: Opened | undefined;
  beforeAll(async () => {
    opened = await open();
  });
  afterAll(async () => {
    await opened?.dispose();
  });
  const current = () => {
    if (!opened) throw new Error("database not open yet: use t.db inside a test or hook");
    return opened;
  };
  return {
    get db() {
      return current().handle.db;
    },
    get driver() {
      return current().handle.driver;
    },
    query: (text, params) => current().query(text, params),
  };
}

/** Raw SQL through the driver's own client (`$client`: a PGlite instance or a pg Pool). */
function rawQuery(handle: DbHandle): TestDatabase["query"] {
  type RawClient = { query(text: string, params: unknown[]): Promise<{ rows: unknown[] }> };
  const client = (handle.db as unknown as { $client: RawClient }).$client;
  return async <T,>(text: string, params: unknown[] = []) => (await client.query(text, params)).rows as T[];
}

async function openPglite(): Promise<Opened> {
  const handle = await createDb({ dataDir: "memory" });
  return { handle, query: rawQuery(handle), dispose: () => handle.close() };
}

async function openPostgres(adminUrl: string): Promise<Opened> {
  const name = `trellis_test_${randomBytes(6).toString("hex")}`;
  const admin = new Client({ connectionString: adminUrl, connectionTimeoutMillis: 5_000 });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const setup = new Client({ connectionString: url.toString(), connectionTimeoutMillis: 5_000 });
  await setup.connect();
  try {
    await setup.query("SET client_min_messages = warning");
    await setup.query("CREATE EXTENSION IF NOT EXISTS vector");
  } finally {
    await setup.end();
  }
  const handle = await createDb({ url: url.toString() });
  return {
    handle,
    query: rawQuery(handle),
    dispose: async () => {
      await handle.close();
      const dropper = new Client({ connectionString: adminUrl, connectionTimeoutMillis: 5_000 });
      await dropper.connect();
      try {
        await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await dropper.end();
      }
    },
  };
}
