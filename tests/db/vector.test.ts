import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, it } from "vitest";
import { forEachDatabase } from "../support/db";
import { atLeast, MIN_PGVECTOR, pgvectorWarning } from "@/lib/db/pgvector-version";

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
