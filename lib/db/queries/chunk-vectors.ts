import "server-only";
import { param, sql, type SQL } from "drizzle-orm";
import { Pool } from "pg";
import { AppError } from "@/lib/errors";
import type { Db } from "../client";
import { dbCall } from "../errors";
import { mergeKeywordIndexPending } from "./keyword-refresh";

/**
 * The per-dimension HNSW indexes over `chunks.embedding` and how chunks get into them.
 *
 * Measured on this project's machines (10k chunks × 512 dimensions): inserting rows into a
 * table that already has the HNSW index runs at ~250 rows/s on PGlite and ~500 on PostgreSQL,
 * while loading first and building the index afterwards runs at ~1,300 and ~3,500. So:
 * - a dimension's first bulk load inserts chunks with dims = D and no index yet; the index is
 *   built once when the ingestion queue drains (`syncAllVectorIndexes`);
 * - once the index exists, new chunks arrive with dims = NULL (outside the partial index,
 *   searched exactly meanwhile) and the sync folds them in — by rebuilding the index when that
 *   is cheaper than inserting into it row by row.
 *
 * m = 8 / ef_construction = 32 (instead of pgvector's 16 / 64) builds 2–3× faster; queries
 * compensate with a larger hnsw.ef_search and iterative scans (lib/rag/search.ts).
 */

const MAX_DIMENSION = 2000; // pgvector's HNSW limit for `vector`

/** The index name for a dimension. */
export function hnswIndexName(dimension: number): string {
  return `chunks_embedding_hnsw_${checkedDimension(dimension)}`;
}

function checkedDimension(dimension: number): number {
  if (!Number.isInteger(dimension) || dimension < 1 || dimension > MAX_DIMENSION) {
    throw new AppError(
      "EMBEDDING_DIMENSION_UNSUPPORTED",
      {
        en: `Vectors of ${dimension} dimensions cannot be indexed (1 to ${MAX_DIMENSION} are supported). Choose another embedding model.`,
        zh: `无法为 ${dimension} 维的向量建立索引（支持 1 到 ${MAX_DIMENSION} 维）。请选择其他向量模型。`,
      },
      400,
      { dimension },
    );
  }
  return dimension;
}

const invalidNumber = () => new AppError("EMBEDDING_INVALID", { en: "The embedding model returned an invalid number.", zh: "向量模型返回了无效的数值。" }, 502);

/**
 * A vector as pgvector's text input, at about float4 precision (what pgvector stores anyway),
 * which keeps INSERT statements small.
 * @example vectorLiteral([0.5, 0.25]) // "[0.5,0.25]"
 */
export function vectorLiteral(vector: number[]): string {
  let out = "[";
  for (let i = 0; i < vector.length; i++) {
    const v = vector[i];
    if (!Number.isFinite(v)) throw invalidNumber();
    // Rounding then printing the shortest form is 4× faster than toPrecision (measured: 0.5 s
    // instead of 2 s for 8.7k × 512); tiny magnitudes keep 6 significant digits.
    out += (i ? "," : "") + (v === 0 ? "0" : Math.abs(v) >= 1e-4 ? String(Math.round(v * 1e8) / 1e8) : v.toPrecision(6));
  }
  return `${out}]`;
}

/**
 * A vector in pgvector's binary format (what `vector_recv` reads): int16 dimension, int16 zero,
 * then big-endian float4s. node-postgres sends a Buffer parameter as binary.
 * @example vectorBinary([0.5, 1]).length // 12
 */
export function vectorBinary(vector: number[]): Buffer {
  const out = Buffer.allocUnsafe(4 + 4 * vector.length);
  out.writeInt16BE(vector.length, 0);
  out.writeInt16BE(0, 2);
  for (let i = 0; i < vector.length; i++) {
    const v = vector[i];
    if (!Number.isFinite(v)) throw invalidNumber();
    out.writeFloatBE(v, 4 + 4 * i);
  }
  return out;
}

/**
 * Vectors as one `vector[]` SQL value for a bulk statement. On PostgreSQL each vector travels as
 * a binary parameter: 2 KB instead of ~5.6 KB of digits per 512-dim vector, and no number
 * parsing on either side (SQuAD ingestion: see docs/benchmarks.md). PGlite runs in this process,
 * so it keeps the text form it reads natively.
 * @example sql`SELECT * FROM unnest(${vectorArray(db, vectors)}) AS u(embedding)`
 */
export function vectorArray(db: Db, vectors: number[][]): SQL {
  if ((db as { $client?: unknown }).$client instanceof Pool) {
    if (vectors.length === 0) return sql`'{}'::vector[]`;
    return sql`ARRAY[${sql.join(
      vectors.map((v) => sql`${vectorBinary(v)}::vector`),
      sql`, `,
    )}]`;
  }
  return sql`${param(vectors.map(vectorLiteral))}::text[]::vector[]`;
}

const createIndexSql = (dimension: number) =>
  sql.raw(
    `CREATE INDEX IF NOT EXISTS ${hnswIndexName(dimension)} ON chunks USING hnsw ((embedding::vector(${dimension})) vector_cosine_ops) ` +
      `WITH (m = 8, ef_construction = 32) WHERE dims = ${dimension}`,
  );

/**
 * Creates the dimension's HNSW index if it does not exist yet (when a knowledge base gets its
 * first embedding, and at worker start in case a rebuild was interrupted).
 * @example await ensureVectorIndex(db, 512);
 */
export async function ensureVectorIndex(db: Db, dimension: number): Promise<void> {
  checkedDimension(dimension);
  await dbCall("ensureVectorIndex", () =>
    db.transaction(async (tx) => {
      // pgvector 0.8.0 (Debian's PostgreSQL 15 here) has a parallel-HNSW-build bug fixed in 0.8.2.
      await tx.execute(sql`SET LOCAL max_parallel_maintenance_workers = 0`);
      await tx.execute(createIndexSql(dimension));
    }),
  );
}

/** Incremental insertion into HNSW costs roughly this many times a row of a bulk build. */
const INCREMENTAL_COST_FACTOR = 8;

export interface SyncResult {
  dimension: number;
  /** Chunks that entered the index. */
  folded: number;
  /** True when the index was rebuilt rather than updated row by row. */
  rebuilt: boolean;
}

/**
 * Whether the dimension's HNSW index exists. Ingestion asks once per document: without the
 * index (a dimension's first bulk load) chunks are inserted straight into its partial-index
 * predicate (dims = D) and the index is built once at the end; with it, they wait outside.
 * @example const dims = (await vectorIndexExists(db, 512)) ? null : 512;
 */
export async function vectorIndexExists(db: Db, dimension: number): Promise<boolean> {
  const name = hnswIndexName(dimension);
  const rows = await dbCall("vectorIndexExists", () => db.execute<{ ok: boolean }>(sql`SELECT to_regclass(${name}) IS NOT NULL AS ok`));
  return Boolean(rows.rows[0]?.ok);
}

/**
 * Brings one dimension's HNSW index up to date: builds it if it does not exist yet, and moves
 * the ready chunks waiting outside it in — row by row when there are few compared with the
 * index, else by rebuilding it (drop, mark, create — in one transaction, so searches see either
 * the old state or the new; they read waiting chunks exactly, so results never change).
 * @example await syncVectorIndex(db, 512) // { dimension: 512, folded: 9800, rebuilt: true }
 */
export async function syncVectorIndex(db: Db, dimension: number): Promise<SyncResult> {
  checkedDimension(dimension);
  return dbCall("syncVectorIndex", () =>
    db.transaction(async (tx) => {
      // One maintainer per dimension at a time (several workers may finish together).
      const lock = await tx.execute<{ ok: boolean }>(sql`SELECT pg_try_advisory_xact_lock(73204171, ${dimension}) AS ok`);
      if (!lock.rows[0]?.ok) return { dimension, folded: 0, rebuilt: false };
      const pending = sql`c.dims IS NULL AND c.embedding IS NOT NULL
        AND c.knowledge_base_id IN (SELECT id FROM knowledge_bases WHERE dimension = ${dimension})
        AND c.document_id IN (SELECT id FROM documents WHERE status = 'ready')`;
      const counts = await tx.execute<{ pending: number; indexed: number; exists: boolean }>(sql`SELECT
        (SELECT count(*)::int FROM chunks c WHERE ${pending}) AS pending,
        (SELECT count(*)::int FROM chunks WHERE dims = ${dimension}) AS indexed,
        to_regclass(${hnswIndexName(dimension)}) IS NOT NULL AS exists`);
      const { pending: todo, indexed, exists } = counts.rows[0];
      if (exists && todo === 0) return { dimension, folded: 0, rebuilt: false };
      const rebuild = !exists || todo * INCREMENTAL_COST_FACTOR >= indexed + todo;
      await tx.execute(sql`SET LOCAL max_parallel_maintenance_workers = 0`);
      if (rebuild) await tx.execute(sql.raw(`DROP INDEX IF EXISTS ${hnswIndexName(dimension)}`));
      if (todo > 0) await tx.execute(sql`UPDATE chunks c SET dims = ${dimension} WHERE ${pending}`);
      if (rebuild) await tx.execute(createIndexSql(dimension));
      return { dimension, folded: todo, rebuilt: rebuild };
    }),
  );
}

/**
 * The columns searches filter on, whose statistics the planner uses (with the table's size,
 * which any ANALYZE refreshes). Texts, vectors and metadata are left out: sampling them is most
 * of the work (SQuAD's 8 205 chunks on PostgreSQL: 200–275 ms for the whole table, 35–50 ms
 * for these).
 */
const PLANNED_COLUMNS = "(knowledge_base_id, document_id, workspace_id, dims, enabled, keywords)";

/**
 * Runs `syncVectorIndex` for every dimension that has chunks waiting, and merges the keyword
 * index's pending entries — what a worker does when its queue runs empty.
 * @example await syncAllVectorIndexes(db);
 */
export async function syncAllVectorIndexes(db: Db): Promise<SyncResult[]> {
  const dims = await dbCall("syncAllVectorIndexes", () =>
    db.execute<{ dimension: number }>(sql`SELECT DISTINCT kb.dimension FROM knowledge_bases kb
      WHERE kb.dimension IS NOT NULL AND (
        EXISTS (SELECT 1 FROM chunks c WHERE c.knowledge_base_id = kb.id AND c.dims IS NULL AND c.embedding IS NOT NULL)
        OR to_regclass('chunks_embedding_hnsw_' || kb.dimension) IS NULL)`),
  );
  const results: SyncResult[] = [];
  for (const { dimension } of dims.rows) results.push(await syncVectorIndex(db, dimension));
  // New chunks' keywords wait in the GIN index's pending list, which every keyword search scans
  // linearly until it is merged: 130 pages after loading DRCD (2k chunks) made PGlite's keyword
  // queries 10× slower. PostgreSQL's autovacuum merges it eventually; PGlite has no autovacuum.
  await mergeKeywordIndexPending(db);
  if (results.some((r) => r.folded >= 1_000)) {
    // Marking many chunks left dead row versions behind (PGlite has no autovacuum).
    await dbCall("syncAllVectorIndexes", () => db.execute(sql.raw(`VACUUM (ANALYZE) chunks ${PLANNED_COLUMNS}`)));
  } else if (results.some((r) => r.rebuilt)) {
    // After a bulk load the planner needs fresh statistics to pick the GIN and HNSW indexes.
    await dbCall("syncAllVectorIndexes", () => db.execute(sql.raw(`ANALYZE chunks ${PLANNED_COLUMNS}`)));
  }
  return results;
}

/**
 * Creates the HNSW index of every dimension in use (idempotent): a worker calls it at start so a
 * rebuild interrupted by a crash is completed.
 * @example await ensureAllVectorIndexes(db);
 */
export async function ensureAllVectorIndexes(db: Db): Promise<void> {
  const dims = await dbCall("ensureAllVectorIndexes", () =>
    db.execute<{ dimension: number }>(sql`SELECT DISTINCT dimension FROM knowledge_bases WHERE dimension IS NOT NULL`),
  );
  for (const { dimension } of dims.rows) await ensureVectorIndex(db, dimension);
}
