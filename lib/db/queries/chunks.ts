import "server-only";
import { and, asc, eq, ilike, param, sql, type SQL } from "drizzle-orm";
import { AppError } from "@/lib/errors";
import type { Db } from "../client";
import { dbCall } from "../errors";
import { jsonSafe } from "../json";
import { chunks, documents, knowledgeBases, type Chunk } from "../schema";
import { vectorArray, vectorLiteral } from "./chunk-vectors";
import { bumpContentVersion } from "./knowledge-bases";

/**
 * Chunks: the pieces of a document that retrieval returns. Insertion is idempotent by
 * (document, index), so a resumed ingestion never duplicates one. Edits, disabling and
 * deletion bump the knowledge base's content version (retrieval caches key on it).
 */

/** A chunk as ingestion inserts it. */
export interface NewChunkRow {
  index: number;
  text: string;
  start: number;
  parentText?: string | null;
  page?: number | null;
  embedding: number[];
  metadata?: Record<string, unknown>;
  /** Keyword tokens of the chunk's indexed text (lib/rag/chunk-keywords.ts); their count is
   *  BM25's document length. */
  keywords: string[];
}

/** A chunk without its vectors, for lists and the chunk editor. */
export type ChunkView = Omit<Chunk, "embedding" | "keywords" | "keywordCount">;

const view = {
  id: chunks.id,
  knowledgeBaseId: chunks.knowledgeBaseId,
  documentId: chunks.documentId,
  workspaceId: chunks.workspaceId,
  index: chunks.index,
  text: chunks.text,
  parentText: chunks.parentText,
  start: chunks.start,
  page: chunks.page,
  dims: chunks.dims,
  enabled: chunks.enabled,
  edited: chunks.edited,
  metadata: chunks.metadata,
  createdAt: chunks.createdAt,
  updatedAt: chunks.updatedAt,
};

export const chunkNotFound = () => new AppError("not_found", { en: "Chunk not found.", zh: "找不到该分段。" }, 404);

/**
 * Inserts a batch of a document's chunks in one statement; chunks whose index already exists
 * are skipped (ON CONFLICT DO NOTHING). The rows travel as a handful of array parameters
 * unnested by the server — one short statement instead of thousands of bind parameters, about
 * 3× faster on PostgreSQL. Returns how many rows were new.
 * @example await insertChunks(db, { knowledgeBaseId, documentId, workspaceId }, rows);
 */
export async function insertChunks(
  db: Db,
  owner: { knowledgeBaseId: string; documentId: string; workspaceId: string },
  rows: NewChunkRow[],
  /** The vector index dimension to file the rows under, or null to wait for the index sync. */
  dims: number | null = null,
): Promise<number> {
  if (rows.length === 0) return 0;
  const clean = jsonSafe(rows.map((r) => ({ text: r.text, parentText: r.parentText ?? null, metadata: JSON.stringify(r.metadata ?? {}) })));
  const tokens = rows.map((r) => r.keywords);
  const column = <T,>(pick: (row: NewChunkRow, i: number) => T) => param(rows.map(pick));
  const inserted = await dbCall("insertChunks", () =>
    db.execute<{ index: number }>(sql`
      INSERT INTO chunks (knowledge_base_id, document_id, workspace_id, index, text, parent_text, start, page, keywords, keyword_count, embedding, dims, metadata)
      SELECT ${owner.knowledgeBaseId}, ${owner.documentId}, ${owner.workspaceId}, u.index, u.text, u.parent_text, u.start, u.page,
        to_tsvector('simple', u.keywords), u.keyword_count, u.embedding, ${dims}::int, u.metadata::jsonb
      FROM unnest(
        ${column((r) => r.index)}::int[], ${column((_, i) => clean[i].text)}::text[], ${column((_, i) => clean[i].parentText)}::text[],
        ${column((r) => r.start)}::int[], ${column((r) => r.page ?? null)}::int[], ${column((_, i) => tokens[i].join(" "))}::text[],
        ${column((_, i) => tokens[i].length)}::int[], ${vectorArray(db, rows.map((r) => r.embedding))}, ${column((_, i) => clean[i].metadata)}::text[]
      ) AS u(index, text, parent_text, start, page, keywords, keyword_count, embedding, metadata)
      ON CONFLICT (document_id, index) DO NOTHING
      RETURNING index`),
  );
  return inserted.rows.length;
}

/**
 * Which chunk indexes of a document in [from, to) exist, and whether each has its embedding
 * (after a re-embed it does not). The texts are those stored — including a person's edits.
 * @example const have = await chunkStates(db, docId, 0, 256);
 */
export async function chunkStates(
  db: Db,
  documentId: string,
  from: number,
  to: number,
): Promise<Array<{ id: string; index: number; text: string; heading: string | null; embedded: boolean }>> {
  return dbCall("chunkStates", () =>
    db
      .select({
        id: chunks.id,
        index: chunks.index,
        text: chunks.text,
        heading: sql<string | null>`${chunks.metadata}->>'heading'`,
        embedded: sql<boolean>`${chunks.embedding} is not null`,
      })
      .from(chunks)
      .where(and(eq(chunks.documentId, documentId), sql`${chunks.index} >= ${from} and ${chunks.index} < ${to}`))
      .orderBy(asc(chunks.index)),
  );
}

/**
 * Stores new vectors for existing chunks (re-embedding) in one statement, with keywords made from
 * the same indexed text (so chunks stored before the index took document names in catch up);
 * the vectors wait outside the HNSW index until the next index sync.
 * @example await setChunkEmbeddings(db, [{ id, embedding, keywords: chunkKeywords("文档名\n分段内容") }]);
 */
export async function setChunkEmbeddings(db: Db, rows: Array<{ id: string; embedding: number[]; keywords: string[] }>): Promise<void> {
  if (rows.length === 0) return;
  const list = sql.join(
    rows.map((r) => sql`(${r.id}, ${vectorLiteral(r.embedding)}::vector, ${r.keywords.join(" ")}::text, ${r.keywords.length}::int)`),
    sql`, `,
  );
  await dbCall("setChunkEmbeddings", () =>
    db.execute(sql`UPDATE chunks c SET embedding = v.embedding, dims = NULL, keywords = to_tsvector('simple', v.keywords),
        keyword_count = v.keyword_count, updated_at = now()
      FROM (VALUES ${list}) AS v(id, embedding, keywords, keyword_count) WHERE c.id = v.id`),
  );
}

/**
 * A page of chunks of a knowledge base (or one document), in document order, optionally
 * filtered by a text fragment (case-insensitive, taken literally).
 * @example const { items, total } = await listChunks(db, "local", { knowledgeBaseId, documentId, search: "第十条", offset: 0, limit: 20 });
 */
export async function listChunks(
  db: Db,
  workspaceId: string,
  opts: { knowledgeBaseId: string; documentId?: string; search?: string; offset?: number; limit?: number },
): Promise<{ items: ChunkView[]; total: number }> {
  const where: SQL[] = [eq(chunks.workspaceId, workspaceId), eq(chunks.knowledgeBaseId, opts.knowledgeBaseId)];
  if (opts.documentId) where.push(eq(chunks.documentId, opts.documentId));
  if (opts.search?.trim()) where.push(ilike(chunks.text, `%${opts.search.trim().replace(/[\\%_]/g, (c) => `\\${c}`)}%`));
  const limit = Math.min(Math.max(opts.limit ?? 20, 1), 200);
  const offset = Math.max(opts.offset ?? 0, 0);
  return dbCall("listChunks", async () => {
    const [items, [{ total }]] = await Promise.all([
      db
        .select(view)
        .from(chunks)
        .where(and(...where))
        .orderBy(asc(chunks.documentId), asc(chunks.index))
        .limit(limit)
        .offset(offset),
      db.select({ total: sql<number>`count(*)::int` }).from(chunks).where(and(...where)),
    ]);
    return { items, total };
  });
}

/**
 * One chunk of the workspace, or null.
 * @example const chunk = await getChunkById(db, "local", id);
 */
export async function getChunkById(db: Db, workspaceId: string, id: string): Promise<ChunkView | null> {
  const rows = await dbCall("getChunkById", () =>
    db.select(view).from(chunks).where(and(eq(chunks.workspaceId, workspaceId), eq(chunks.id, id))).limit(1),
  );
  return rows[0] ?? null;
}

/**
 * What a chunk's indexed text is made of besides its own text (lib/text/chunk-context.ts): its
 * knowledge base, section heading and document name. Null when the workspace has no such chunk.
 * @example const source = await getChunkIndexSource(db, "local", chunkId);
 */
export async function getChunkIndexSource(
  db: Db,
  workspaceId: string,
  id: string,
): Promise<{ knowledgeBaseId: string; heading: string | null; documentName: string } | null> {
  // The chunk with its document's name, which the index text starts with: one round trip.
  const [current] = await dbCall("getChunkIndexSource", () =>
    db
      .select({ knowledgeBaseId: chunks.knowledgeBaseId, metadata: chunks.metadata, documentName: documents.name })
      .from(chunks)
      .innerJoin(documents, eq(documents.id, chunks.documentId))
      .where(and(eq(chunks.workspaceId, workspaceId), eq(chunks.id, id)))
      .limit(1),
  );
  return current ? { knowledgeBaseId: current.knowledgeBaseId, heading: headingOf(current.metadata), documentName: current.documentName } : null;
}

const headingOf = (metadata: unknown): string | null => {
  const heading = (metadata as { heading?: unknown } | null)?.heading;
  return typeof heading === "string" ? heading : null;
};

/**
 * Stores a person's edit of a chunk with the keywords and vector made from it, marks it edited
 * and bumps its knowledge base's content version. The edit enters the HNSW index directly: one
 * row costs milliseconds.
 * @example await setChunkText(db, "local", chunkId, { text, keywords, embedding });
 */
export async function setChunkText(
  db: Db,
  workspaceId: string,
  id: string,
  edit: { knowledgeBaseId: string; text: string; keywords: string[]; embedding: number[] },
): Promise<ChunkView> {
  const rows = await dbCall("updateChunkText", () =>
    db
      .update(chunks)
      .set({
        text: edit.text,
        keywords: sql`to_tsvector('simple', ${edit.keywords.join(" ")})`,
        keywordCount: edit.keywords.length,
        embedding: sql`${vectorLiteral(edit.embedding)}::vector`,
        dims: edit.embedding.length,
        edited: true,
        updatedAt: sql`now()`,
      })
      .where(and(eq(chunks.workspaceId, workspaceId), eq(chunks.id, id)))
      .returning(view),
  );
  if (!rows[0]) throw chunkNotFound();
  await bumpContentVersion(db, edit.knowledgeBaseId);
  return rows[0];
}

/**
 * Hides a chunk from retrieval (or shows it again) without deleting it.
 * @example await setChunkEnabled(db, "local", chunkId, false);
 */
export async function setChunkEnabled(db: Db, workspaceId: string, id: string, enabled: boolean): Promise<void> {
  const rows = await dbCall("setChunkEnabled", () =>
    db
      .update(chunks)
      .set({ enabled, updatedAt: sql`now()` })
      .where(and(eq(chunks.workspaceId, workspaceId), eq(chunks.id, id)))
      .returning({ kb: chunks.knowledgeBaseId }),
  );
  if (!rows[0]) throw chunkNotFound();
  await bumpContentVersion(db, rows[0].kb);
}

/**
 * Deletes a chunk. Its document's counts shrink with it, so a later re-embed does not bring it
 * back. Returns false if there was none.
 * @example await deleteChunk(db, "local", chunkId);
 */
export async function deleteChunk(db: Db, workspaceId: string, id: string): Promise<boolean> {
  return dbCall("deleteChunk", () =>
    db.transaction(async (tx) => {
      const rows = await tx
        .delete(chunks)
        .where(and(eq(chunks.workspaceId, workspaceId), eq(chunks.id, id)))
        .returning({ kb: chunks.knowledgeBaseId, doc: chunks.documentId, embedded: sql<boolean>`${chunks.embedding} is not null` });
      if (!rows[0]) return false;
      await tx
        .update(documents)
        .set({
          chunkCount: sql`greatest(${documents.chunkCount} - 1, 0)`,
          chunksEmbedded: rows[0].embedded ? sql`greatest(${documents.chunksEmbedded} - 1, 0)` : sql`${documents.chunksEmbedded}`,
          updatedAt: sql`now()`,
        })
        .where(eq(documents.id, rows[0].doc));
      await tx
        .update(knowledgeBases)
        .set({ contentVersion: sql`${knowledgeBases.contentVersion} + 1`, updatedAt: sql`now()` })
        .where(eq(knowledgeBases.id, rows[0].kb));
      return true;
    }),
  );
}

/**
 * How many chunks of a document are stored and embedded, and the highest index stored: where a
 * resumed ingestion picks up.
 * @example const { stored, embedded, maxIndex } = await countDocumentChunks(db, documentId);
 */
export async function countDocumentChunks(db: Db, documentId: string): Promise<{ stored: number; embedded: number; maxIndex: number }> {
  const [row] = await dbCall("countDocumentChunks", () =>
    db
      .select({
        stored: sql<number>`count(*)::int`,
        embedded: sql<number>`(count(*) filter (where ${chunks.embedding} is not null))::int`,
        maxIndex: sql<number>`coalesce(max(${chunks.index}), -1)::int`,
      })
      .from(chunks)
      .where(eq(chunks.documentId, documentId)),
  );
  return row;
}

/**
 * Deletes every chunk of a document, for an ingestion that starts it over (its chunking changed).
 * @example await deleteDocumentChunks(db, documentId);
 */
export async function deleteDocumentChunks(db: Db, documentId: string): Promise<void> {
  await dbCall("ingestDocument", () => db.delete(chunks).where(eq(chunks.documentId, documentId)));
}
