import "server-only";
import { and, eq, lt, param, sql } from "drizzle-orm";
import type { Db } from "../client";
import { dbCall } from "../errors";
import { knowledgeBases } from "../schema";

/**
 * The queries behind re-tokenising stored keywords after the tokenisation changed
 * (lib/rag/keyword-refresh.ts): which knowledge bases are behind, their chunks page by page,
 * the new keywords written back, the knowledge base marked current.
 */

/**
 * Ids of the knowledge bases whose keywords were made by a tokenisation older than `version`.
 * @example const ids = await staleKeywordKnowledgeBases(db, KEYWORD_VERSION);
 */
export async function staleKeywordKnowledgeBases(db: Db, version: number): Promise<string[]> {
  const rows = await dbCall("staleKeywordKnowledgeBases", () =>
    db.select({ id: knowledgeBases.id }).from(knowledgeBases).where(lt(knowledgeBases.keywordVersion, version)).orderBy(knowledgeBases.id),
  );
  return rows.map((r) => r.id);
}

export interface KeywordSource {
  id: string;
  /** As stored, including a person's edits. */
  text: string;
  heading: string | null;
  documentName: string;
}

/**
 * One page of a knowledge base's chunks, by id after `afterId`, with what their keywords are
 * made from (text, section heading, document name).
 * @example const page = await keywordSourcesPage(db, kbId, "", 500);
 */
export async function keywordSourcesPage(db: Db, knowledgeBaseId: string, afterId: string, limit: number): Promise<KeywordSource[]> {
  const result = await dbCall("keywordSourcesPage", () =>
    db.execute<{ id: string; text: string; heading: string | null; document_name: string }>(sql`
      SELECT c.id, c.text, c.metadata->>'heading' AS heading, d.name AS document_name
      FROM chunks c JOIN documents d ON d.id = c.document_id
      WHERE c.knowledge_base_id = ${knowledgeBaseId} AND c.id > ${afterId}
      ORDER BY c.id LIMIT ${limit}`),
  );
  return result.rows.map((r) => ({ id: r.id, text: r.text, heading: r.heading, documentName: r.document_name }));
}

/**
 * Writes chunks' re-made keywords in one statement. A chunk whose text changed since it was read
 * (an edit meanwhile, which made its own keywords) is left alone. Returns how many were written.
 * @example await rewriteChunkKeywords(db, [{ id, text, keywords: chunkKeywords("文档名\n分段内容") }]);
 */
export async function rewriteChunkKeywords(db: Db, rows: Array<{ id: string; text: string; keywords: string[] }>): Promise<number> {
  if (rows.length === 0) return 0;
  const result = await dbCall("rewriteChunkKeywords", () =>
    db.execute(sql`
      UPDATE chunks c SET keywords = to_tsvector('simple', u.keywords), keyword_count = u.keyword_count
      FROM unnest(${param(rows.map((r) => r.id))}::text[], ${param(rows.map((r) => r.text))}::text[],
        ${param(rows.map((r) => r.keywords.join(" ")))}::text[], ${param(rows.map((r) => r.keywords.length))}::int[])
        AS u(id, text, keywords, keyword_count)
      WHERE c.id = u.id AND c.text = u.text
      RETURNING c.id`),
  );
  return result.rows.length;
}

/**
 * Marks a knowledge base's keywords as made by `version` and bumps its content version, so
 * cached retrieval results made with the old keywords are dropped.
 * @example await markKeywordsCurrent(db, kbId, KEYWORD_VERSION);
 */
export async function markKeywordsCurrent(db: Db, knowledgeBaseId: string, version: number): Promise<void> {
  await dbCall("markKeywordsCurrent", () =>
    db
      .update(knowledgeBases)
      .set({ keywordVersion: version, contentVersion: sql`${knowledgeBases.contentVersion} + 1` })
      .where(and(eq(knowledgeBases.id, knowledgeBaseId), lt(knowledgeBases.keywordVersion, version))),
  );
}

/**
 * Merges the keyword index's pending entries (every keyword search scans them linearly until
 * then; PGlite has no autovacuum to do it).
 * @example await mergeKeywordIndexPending(db);
 */
export async function mergeKeywordIndexPending(db: Db): Promise<void> {
  await dbCall("mergeKeywordIndexPending", () => db.execute(sql`SELECT gin_clean_pending_list('chunks_keywords_gin'::regclass)`));
}
