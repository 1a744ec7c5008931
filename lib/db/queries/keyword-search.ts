import "server-only";
import { param, sql, type SQL } from "drizzle-orm";
import type { CollectionStats } from "@/lib/text/bm25";
import type { Db } from "../client";
import { dbCall } from "../errors";
import type { KnowledgeBase } from "../schema";

/**
 * The statistics BM25 keyword search ranks by, read over the GIN index per knowledge base; the
 * scores are computed from them in lib/rag/keyword-search.ts with lib/text/bm25.ts.
 *
 * One statement, two stages:
 * 1. Postings: for each query term, the visible chunks containing it — one parameterised GIN
 *    bitmap scan per term: a LATERAL subquery behind OFFSET 0 holding only the GIN condition,
 *    run with enable_seqscan off. The planner costs `@@` as a cheap filter, not the de-TOAST of a
 *    tsvector it is, and otherwise picked a sequential scan (or a walk over the knowledge base's
 *    index) per term on small tables: 650 / 350 ms per DRCD query on PGlite. Knowledge base and
 *    visibility are checked on the rows the scan returns, so a term costs its frequency in the
 *    whole table; many tenants with millions of chunks would want a GIN index on
 *    (knowledge_base_id, keywords) (btree_gin). Counting the postings per knowledge base gives
 *    exact document frequencies with no statistics table to maintain: deleting, disabling or editing
 *    a chunk changes them at once. The chunks are scored with tf = 1 (each term weighted by its
 *    share of the knowledge base's Σ idf, so several knowledge bases rank on one scale) and the
 *    best `limit + 20` kept.
 * 2. Term frequencies of those few chunks only, read from their tsvector in one C-level pass
 *    (setweight + ts_filter keep just the query's lexemes), for the exact score in JavaScript.
 *
 * Never touching the tsvector of every match is what keeps it fast: a Chinese chunk's tsvector
 * (words + bigrams, ~3 KB) is TOASTed, and de-TOASTing each of 1,400 matches is what made
 * `ts_rank` take 15 ms of a DRCD query on PostgreSQL (and far more on PGlite).
 *
 * Visibility: enabled chunks of ready documents — written as "not among the knowledge base's
 * unready documents" (normally none), an array that stays short, rather than "among the ready
 * ones" (hundreds: a linear `= ANY` per posting, or a join the planner mis-estimated on a fresh
 * table into a nested loop over every ready document: 1.2 s). Chunk count and average length per knowledge base come from a
 * small cache keyed on the knowledge base's content version, which every change bumps.
 */

export interface KeywordPostingsRequest {
  workspaceId: string;
  knowledgeBases: Array<Pick<KnowledgeBase, "id" | "contentVersion">>;
  /** Distinct query terms, normalised like the index (lib/text/keywords.ts keywordQuery). */
  terms: string[];
  filter?: { documentIds?: string[]; tags?: string[] };
  /** How many chunks to return statistics for (the best by stage 1, plus 20). */
  limit: number;
  /** BM25's parameters (lib/text/bm25.ts), for stage 1's ranking. */
  bm25: { k1: number; b: number };
}

/** What BM25 needs to score the best chunks for a query, per knowledge base. */
export interface KeywordPostings {
  /** The distinct, non-empty query terms; `k` in the other fields indexes this list. */
  terms: string[];
  stats: Map<string, CollectionStats>;
  /** Document frequency of each term, per knowledge base (0 where none of its chunks has it). */
  documentFrequencies: Map<string, number[]>;
  /** The chunks stage 1 kept: knowledge base, keyword count and each matching term's frequency. */
  chunks: Map<string, { kb: string; len: number; matches: Array<{ k: number; tf: number }> }>;
}

const STATS_CACHE_SIZE = 1000;
const statsCache = new Map<string, { version: number; stats: CollectionStats }>();

/**
 * Chunk count and average keyword length of each knowledge base's visible chunks, cached per
 * content version.
 * @example const stats = await keywordCollectionStats(db, "local", kbs);
 */
async function keywordCollectionStats(
  db: Db,
  workspaceId: string,
  kbs: Array<Pick<KnowledgeBase, "id" | "contentVersion">>,
): Promise<Map<string, CollectionStats>> {
  const out = new Map<string, CollectionStats>();
  const missing: typeof kbs = [];
  for (const kb of kbs) {
    const hit = statsCache.get(kb.id);
    if (hit && hit.version === kb.contentVersion) out.set(kb.id, hit.stats);
    else missing.push(kb);
  }
  if (missing.length === 0) return out;
  const ids = sql.join(
    missing.map((kb) => sql`${kb.id}`),
    sql`, `,
  );
  const rows = await dbCall("keywordCollectionStats", () =>
    db.execute<{ kb: string; chunks: number; average: number }>(sql`
      SELECT c.knowledge_base_id AS kb, count(*)::int AS chunks, coalesce(avg(c.keyword_count), 0)::float8 AS average
      FROM chunks c
      WHERE c.workspace_id = ${workspaceId} AND c.knowledge_base_id IN (${ids}) AND c.enabled AND ${notUnready(sql`c`, ids)}
      GROUP BY c.knowledge_base_id`),
  );
  const found = new Map(rows.rows.map((r) => [r.kb, { chunks: Number(r.chunks), averageLength: Number(r.average) }]));
  for (const kb of missing) {
    const stats = found.get(kb.id) ?? { chunks: 0, averageLength: 0 };
    if (statsCache.size >= STATS_CACHE_SIZE) statsCache.delete(statsCache.keys().next().value as string);
    statsCache.set(kb.id, { version: kb.contentVersion, stats });
    out.set(kb.id, stats);
  }
  return out;
}

/** `c.document_id` is not one of the knowledge bases' documents that are not ready. */
function notUnready(chunk: SQL, kbIds: SQL): SQL {
  return sql`(${chunk}.document_id = ANY(ARRAY(SELECT d.id FROM documents d WHERE d.knowledge_base_id IN (${kbIds}) AND d.status <> 'ready'))) IS NOT TRUE`;
}

/** A term as a one-lexeme tsquery literal. */
const quoted = (term: string) => `'${term.replace(/\\/g, "\\\\").replace(/'/g, "''")}'`;

/**
 * The keyword statistics of the chunks that best match the query terms in the knowledge bases:
 * the input of BM25 scoring (lib/rag/keyword-search.ts). Null when there is nothing to score.
 * @example const postings = await keywordPostings(db, { workspaceId: "local", knowledgeBases: [kb], terms, limit: 40, bm25: { k1: BM25_K1, b: BM25_B } });
 */
export async function keywordPostings(db: Db, request: KeywordPostingsRequest): Promise<KeywordPostings | null> {
  const terms = [...new Set(request.terms)].filter((t) => t.length > 0);
  if (terms.length === 0 || request.knowledgeBases.length === 0) return null;
  const statsByKb = await keywordCollectionStats(db, request.workspaceId, request.knowledgeBases);
  const kbs = request.knowledgeBases.filter((kb) => (statsByKb.get(kb.id)?.chunks ?? 0) > 0);
  if (kbs.length === 0) return null;
  const ids = sql.join(
    kbs.map((kb) => sql`${kb.id}`),
    sql`, `,
  );
  const stats = kbs.map((kb) => statsByKb.get(kb.id) as CollectionStats);
  const limit = Math.max(1, Math.floor(request.limit));
  // Stage 1 (tf = 1) keeps this many chunks for exact scoring; tf rarely moves a chunk further.
  const pool = limit + 20;
  const k1 = sql.raw(String(Number(request.bm25.k1)));
  const b = sql.raw(String(Number(request.bm25.b)));
  type Row = { kind: "tf" | "df"; id: string | null; kb: string; len: number | null; k: number; n: number };
  const rows = await dbCall("searchChunksByKeywords", () =>
    db.transaction(async (tx) => {
      await tx.execute(sql`SELECT set_config('enable_seqscan', 'off', true)`);
      return tx.execute<Row>(sql`
      WITH q AS (
        SELECT t.k::int AS k, t.term, to_tsquery('simple', t.quoted) AS tq
        FROM unnest(${param(terms)}::text[], ${param(terms.map(quoted))}::text[]) WITH ORDINALITY AS t(term, quoted, k)
      ),
      s AS (
        SELECT t.kb, t.n, t.avgdl FROM unnest(${param(kbs.map((kb) => kb.id))}::text[], ${param(stats.map((x) => x.chunks))}::float8[], ${param(stats.map((x) => x.averageLength))}::float8[]) AS t(kb, n, avgdl)
      ),
      p AS MATERIALIZED (
        SELECT q.k, m.id, m.kb, m.document_id, m.len
        FROM q CROSS JOIN LATERAL (
          SELECT c.id, c.knowledge_base_id AS kb, c.document_id, c.keyword_count AS len, c.workspace_id, c.enabled FROM chunks c
          WHERE c.keywords @@ q.tq OFFSET 0
        ) m
        WHERE m.workspace_id = ${request.workspaceId} AND m.kb IN (${ids}) AND m.enabled AND ${notUnready(sql`m`, ids)}
      ),
      df AS MATERIALIZED (SELECT p.kb, p.k, count(*)::float8 AS df FROM p GROUP BY p.kb, p.k),
      w AS MATERIALIZED (
        SELECT x.kb, x.k, x.avgdl, x.idf / sum(x.idf) OVER (PARTITION BY x.kb) AS w
        FROM (SELECT df.kb, df.k, s.avgdl, ln(1 + (s.n - df.df + 0.5) / (df.df + 0.5)) AS idf FROM df JOIN s ON s.kb = df.kb) x
      ),
      top AS MATERIALIZED (
        SELECT p.id, p.kb, min(p.len) AS len, sum(w.w / (1 + ${k1} * (1 - ${b} + ${b} * p.len / greatest(w.avgdl, 1)))) AS s1
        FROM p JOIN w ON w.kb = p.kb AND w.k = p.k
        ${documentFilter(request, ids)}
        GROUP BY p.id, p.kb ORDER BY s1 DESC, p.id LIMIT ${pool}
      )
      SELECT 'tf' AS kind, top.id, top.kb, top.len, q.k, cardinality(u.positions) AS n
      FROM top JOIN chunks c ON c.id = top.id
        CROSS JOIN LATERAL unnest(ts_filter(setweight(c.keywords, 'A', ${param(terms)}::text[]), '{a}')) u
        JOIN q ON q.term = u.lexeme
      UNION ALL
      SELECT 'df', NULL, df.kb, NULL, df.k, df.df FROM df`);
    }),
  );

  const dfs = new Map(kbs.map((kb) => [kb.id, new Array<number>(terms.length).fill(0)]));
  const chunks = new Map<string, { kb: string; len: number; matches: Array<{ k: number; tf: number }> }>();
  for (const r of rows.rows) {
    const k = Number(r.k) - 1;
    if (r.kind === "df") {
      const list = dfs.get(r.kb);
      if (list) list[k] = Number(r.n);
    } else if (r.id) {
      const chunk = chunks.get(r.id) ?? { kb: r.kb, len: Number(r.len), matches: [] };
      chunk.matches.push({ k, tf: Math.max(1, Number(r.n) || 1) });
      chunks.set(r.id, chunk);
    }
  }
  return { terms, stats: statsByKb, documentFrequencies: dfs, chunks };
}

/** Metadata filters narrow the ranked chunks; statistics stay those of the whole knowledge base. */
function documentFilter(request: KeywordPostingsRequest, kbIds: SQL): SQL {
  const { documentIds, tags } = request.filter ?? {};
  if (!documentIds && !tags?.length) return sql``;
  const where: SQL[] = [sql`d.knowledge_base_id IN (${kbIds})`];
  if (documentIds) where.push(documentIds.length ? sql`d.id IN (${sql.join(documentIds.map((id) => sql`${id}`), sql`, `)})` : sql`false`);
  if (tags?.length) where.push(sql`d.tags && ARRAY[${sql.join(tags.map((t) => sql`${t}`), sql`, `)}]::text[]`);
  return sql`WHERE (p.document_id = ANY(ARRAY(SELECT d.id FROM documents d WHERE ${sql.join(where, sql` AND `)}))) IS TRUE`;
}
