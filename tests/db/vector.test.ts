import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, it } from "vitest";
import { forEachDatabase } from "../support/db";

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
