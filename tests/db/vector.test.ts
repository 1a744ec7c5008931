import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, it } from "vitest";
import { forEachDatabase } from "../support/db";
import { sql } from "drizzle-orm";
import { atLeast, MIN_PGVECTOR, pgvectorWarning } from "@/lib/db/pgvector-version";
import { vectorArray, vectorBinary } from "@/lib/db/queries/chunk-vectors";

forEachDatabase("schema and pgvector", (t) => {
  it("has the vector extension: distances between vectors are computed", async () => {
    const [row] = await t.query<{ cosine: number; l2: number }>(
      "select ('[1,2,3]'::vector <=> '[1,2,4]'::vector)::float8 as cosine, ('[0,0]'::vector <-> '[3,4]'::vector)::float8 as l2",
    );
    expect(row.cosine).toBeCloseTo(1 - 17 / (Math.sqrt(14) * Math.sqrt(21)), 6);
    expect(row.l2).toBe(5);

    const [{ extversion }] = await t.query<{ extversion: string }>("select extversion from pg_extension where extname = 'vector'");
    console.info(`[${t.driver}] pgvector extversion ${extversion}`);
    expect(extversion).toMatch(/^0\.\d+\.\d+$/);
    // C23: the embedded default ships a fixed pgvector; a server's is the operator's, warned about when old.
    if (t.driver === "pglite") expect(atLeast(extversion, MIN_PGVECTOR)).toBe(true);
    else if (!atLeast(extversion, MIN_PGVECTOR)) console.warn(`[C23] ${pgvectorWarning(extversion)}`);
  });

  it("C23 compares pgvector versions numerically and warns below 0.8.2", () => {
    expect(atLeast("0.8.2")).toBe(true);
    expect(atLeast("0.8.10")).toBe(true);
    expect(atLeast("0.10.0")).toBe(true);
    expect(atLeast("0.8.1")).toBe(false);
    expect(atLeast("0.7.4")).toBe(false);
    expect(pgvectorWarning("0.8.0")).toMatch(/older than 0\.8\.2/);
    expect(pgvectorWarning("0.8.7")).toBeNull();
  });

  it("sends a batch of vectors the database reads back exactly (binary on PostgreSQL, text on PGlite)", async () => {
    const result = await t.db.execute<{ v: string }>(sql`SELECT (u.v)::text AS v FROM unnest(${vectorArray(t.db, [[0.5, -0.25, 1e-7], [1, 2, 3]])}) AS u(v)`);
    expect(result.rows.map((r) => r.v)).toEqual(["[0.5,-0.25,1e-07]", "[1,2,3]"]);
    expect(vectorBinary([0.5, 1]).toString("hex")).toBe("00020000" + "3f000000" + "3f800000");
    expect(() => vectorBinary([1, Number.NaN])).toThrow(/invalid number/);
  });

  it("supports a vector column with an HNSW index and nearest-neighbour order", async () => {
    await t.query("create table probe (id int primary key, embedding vector(3))");
    await t.query("insert into probe values (1, '[1,0,0]'), (2, '[0,1,0]'), (3, '[0.9,0.1,0]')");
    await t.query("create index on probe using hnsw (embedding vector_cosine_ops)");
    const rows = await t.query<{ id: number }>("select id from probe order by embedding <=> '[1,0,0]' limit 2");
    expect(rows.map((r) => r.id)).toEqual([1, 3]);
  });

  it("seeds the local workspace", async () => {
    expect(await t.query("select id, name from workspaces where id = 'local'")).toEqual([{ id: "local", name: "Local" }]);
  });

  it("has applied every migration exactly once", async () => {
    const journal = JSON.parse(readFileSync(path.resolve("drizzle/meta/_journal.json"), "utf8")) as { entries: unknown[] };
    const rows = await t.query<{ n: number }>("select count(*)::int as n from drizzle.__drizzle_migrations");
    expect(rows[0].n).toBe(journal.entries.length);
  });
});
