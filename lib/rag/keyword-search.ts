import "server-only";
import type { Db } from "@/lib/db/client";
import { keywordPostings, type KeywordPostingsRequest } from "@/lib/db/queries/keyword-search";
import { BM25_B, BM25_K1, bm25Idf, bm25Score, type CollectionStats } from "@/lib/text/bm25";

/**
 * BM25 keyword search with statistics per knowledge base: the database reads the postings of
 * the best candidates (lib/db/queries/keyword-search.ts says how), this module scores them
 * (lib/text/bm25.ts), so the ranking formula lives in one place and the SQL only counts.
 */

export type KeywordSearchRequest = Omit<KeywordPostingsRequest, "bm25">;

export interface KeywordHit {
  id: string;
  knowledgeBaseId: string;
  /** BM25 over the knowledge base's ideal score for the query (0..1, lib/text/bm25.ts). */
  score: number;
}

/** Keyword hits and each query term's IDF per knowledge base (absent: no visible chunk holds it). */
export interface KeywordSearchResult {
  hits: KeywordHit[];
  idf: Map<string, Map<string, number>>;
}

/**
 * Ranks the visible chunks of the knowledge bases by BM25 (per-knowledge-base statistics,
 * normalised per knowledge base), best first, at most `limit`.
 * @example const hits = await searchChunksByKeywords(db, { workspaceId: "local", knowledgeBases: [kb], terms: keywordQuery("统计调查"), limit: 40 });
 */
export async function searchChunksByKeywords(db: Db, request: KeywordSearchRequest): Promise<KeywordHit[]> {
  return (await searchKeywordsWithIdf(db, request)).hits;
}

/**
 * searchChunksByKeywords, with the IDF of every query term in each knowledge base (what the
 * built-in reranker weighs words by: lib/rag/lexical-rerank.ts).
 * @example const { hits, idf } = await searchKeywordsWithIdf(db, { workspaceId: "local", knowledgeBases: [kb], terms, limit: 40 });
 */
export async function searchKeywordsWithIdf(db: Db, request: KeywordSearchRequest): Promise<KeywordSearchResult> {
  const limit = Math.max(1, Math.floor(request.limit));
  const postings = await keywordPostings(db, { ...request, limit, bm25: { k1: BM25_K1, b: BM25_B } });
  if (!postings) return { hits: [], idf: new Map() };
  const { terms, stats, documentFrequencies: dfs, chunks } = postings;
  const statsOf = (kb: string) => stats.get(kb) as CollectionStats;
  const hits = [...chunks]
    .map(([id, c]) => ({ id, knowledgeBaseId: c.kb, score: bm25Score(statsOf(c.kb), dfs.get(c.kb) ?? [], c.matches, c.len) }))
    .sort((x, y) => y.score - x.score || (x.id < y.id ? -1 : 1))
    .slice(0, limit);
  const idf = new Map<string, Map<string, number>>();
  for (const [kb, list] of dfs) {
    const n = statsOf(kb).chunks;
    idf.set(kb, new Map(terms.flatMap((term, k) => (list[k] > 0 ? [[term, bm25Idf(n, list[k])] as [string, number]] : []))));
  }
  return { hits, idf };
}
