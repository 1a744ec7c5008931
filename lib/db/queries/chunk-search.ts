import "server-only";
import { sql, type SQL } from "drizzle-orm";
import type { Db } from "../client";
import { dbCall } from "../errors";
import type { KnowledgeBase } from "../schema";
import { vectorLiteral } from "./chunk-vectors";

/**
 * The statements of vector search and of the chunks retrieval returns (lib/rag/search.ts fuses
 * and ranks them; keyword search has its own: ./keyword-search.ts). Only chunks of documents whose
 * status is "ready" and that are enabled are ever returned.
 */

/** Whose chunks vector search may return: the workspace, and the request's metadata filters. */
export interface VectorSearchScope {
  workspaceId: string;
  filter?: { documentIds?: string[]; tags?: string[] };
}

/**
 * The chunk filter of vector search (keyword search has its own: lib/db/queries/keyword-search.ts):
 * workspace, knowledge bases, enabled, ready documents, filters. The documents part is
 * `= ANY(ARRAY(subquery))` — an init plan evaluated once — rather than `IN (subquery)`, which the
 * planner turns into a join and then sorts every chunk instead of walking the HNSW index in
 * distance order; and it is wrapped in `IS TRUE` so it stays a row filter.
 */
function visible(request: VectorSearchScope, kbs: KnowledgeBase[]): SQL {
  const ids = sql.join(
    kbs.map((kb) => sql`${kb.id}`),
    sql`, `,
  );
  const docFilters: SQL[] = [sql`d.knowledge_base_id IN (${ids})`, sql`d.status = 'ready'`];
  const { documentIds, tags } = request.filter ?? {};
  if (documentIds) docFilters.push(documentIds.length ? sql`d.id IN (${sql.join(documentIds.map((id) => sql`${id}`), sql`, `)})` : sql`false`);
  if (tags?.length) docFilters.push(sql`d.tags && ARRAY[${sql.join(tags.map((t) => sql`${t}`), sql`, `)}]::text[]`);
  return sql`c.workspace_id = ${request.workspaceId} AND c.knowledge_base_id IN (${ids}) AND c.enabled
    AND (c.document_id = ANY(ARRAY(SELECT d.id FROM documents d WHERE ${sql.join(docFilters, sql` AND `)}))) IS TRUE`;
}

/**
 * Nearest neighbours in two branches: chunks in the dimension's HNSW index (the planner uses
 * it: `WHERE dims = D ORDER BY embedding::vector(D) <=> q LIMIT n`) and chunks still waiting
 * for the index (exact scan; normally none). Iterative index scans keep filtered queries
 * returning n rows. Knowledge bases must share one embedder (one dimension).
 * @example const rows = await vectorCandidates(db, { workspaceId: "local" }, kbs, vector, 40);
 */
export async function vectorCandidates(
  db: Db,
  request: VectorSearchScope,
  kbs: KnowledgeBase[],
  vector: number[],
  limit: number,
): Promise<Array<{ id: string; distance: number }>> {
  const rows = await dbCall("vectorSearch", () =>
    db.transaction(async (tx) => {
      await tx.execute(sql`SELECT set_config('hnsw.ef_search', '64', true), set_config('hnsw.iterative_scan', 'relaxed_order', true)`);
      return (await tx.execute<{ id: string; distance: number }>(vectorCandidatesSql(request, kbs, vector, limit))).rows;
    }),
  );
  return rows.map((r) => ({ id: r.id, distance: Number(r.distance) }));
}

/**
 * The vector candidates statement for knowledge bases sharing one embedder (exported so tests
 * can EXPLAIN exactly what runs).
 * @example await db.execute(sql`EXPLAIN ${vectorCandidatesSql(request, kbs, vector, 40)}`);
 */
export function vectorCandidatesSql(request: VectorSearchScope, kbs: KnowledgeBase[], vector: number[], limit: number): SQL {
  const d = sql.raw(String(Math.floor(kbs[0].dimension as number)));
  const q = sql`${vectorLiteral(vector)}::vector(${d})`;
  const where = visible(request, kbs);
  return sql`
    (SELECT c.id, (c.embedding::vector(${d}) <=> ${q})::float8 AS distance FROM chunks c
      WHERE c.dims = ${d} AND ${where} ORDER BY c.embedding::vector(${d}) <=> ${q} LIMIT ${limit})
    UNION ALL
    (SELECT c.id, (c.embedding::vector(${d}) <=> ${q})::float8 AS distance FROM chunks c
      WHERE c.dims IS NULL AND c.embedding IS NOT NULL AND ${where} ORDER BY 2 LIMIT ${limit})`;
}

/** A chunk as retrieval returns it, before scores and rank are added (lib/rag/search.ts). */
export interface ChunkDetails {
  id: string;
  knowledgeBaseId: string;
  documentId: string;
  documentName: string;
  text: string;
  /** The enclosing parent passage (parent-child chunking): what an LLM should be given. */
  parentText: string | null;
  index: number;
  start: number;
  page: number | null;
  metadata: Record<string, unknown>;
}

/**
 * The chunks of the workspace with these ids and their documents' names, by id.
 * @example const details = await getChunkDetails(db, "local", ids);
 */
export async function getChunkDetails(db: Db, workspaceId: string, ids: string[]): Promise<Map<string, ChunkDetails>> {
  const rows = await dbCall("chunkDetails", () =>
    db.execute<{
      id: string;
      knowledge_base_id: string;
      document_id: string;
      document_name: string;
      text: string;
      parent_text: string | null;
      index: number;
      start: number;
      page: number | null;
      metadata: Record<string, unknown>;
    }>(sql`SELECT c.id, c.knowledge_base_id, c.document_id, d.name AS document_name, c.text, c.parent_text, c.index, c.start, c.page, c.metadata
      FROM chunks c JOIN documents d ON d.id = c.document_id
      WHERE c.workspace_id = ${workspaceId} AND c.id IN (${sql.join(ids.map((id) => sql`${id}`), sql`, `)})`),
  );
  return new Map(
    rows.rows.map((r) => [
      r.id,
      {
        id: r.id,
        knowledgeBaseId: r.knowledge_base_id,
        documentId: r.document_id,
        documentName: r.document_name,
        text: r.text,
        parentText: r.parent_text,
        index: r.index,
        start: r.start,
        page: r.page,
        metadata: r.metadata ?? {},
      },
    ]),
  );
}
