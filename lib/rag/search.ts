import "server-only";
import type { Db } from "@/lib/db/client";
import { getChunkDetails, vectorCandidates, type ChunkDetails } from "@/lib/db/queries/chunk-search";
import { searchKeywordsWithIdf, type KeywordSearchResult } from "./keyword-search";
import { getKnowledgeBasesByIds } from "@/lib/db/queries/knowledge-bases";
import type { KnowledgeBase, RetrievalMode } from "@/lib/db/schema";
import { keywordQuery } from "@/lib/text/keywords";
import type { DocumentChunk } from "@/nodes/ports";
import { documentSubject } from "@/lib/text/chunk-context";
import { defaultFusionWeights, fuseRankings, keywordLeads, similarityFromDistance } from "./fusion";
import { LEXICAL_RERANK_POOL, lexicalRerankOrder, type LexicalCandidate } from "./lexical-rerank";

/**
 * Hybrid retrieval over one or more knowledge bases: vector search (pgvector HNSW, cosine) and
 * keyword search (BM25 with per-knowledge-base statistics over the tsvector GIN index of
 * jieba/bigram/stemmed tokens: ./keyword-search.ts), fused by weighted reciprocal
 * rank fusion. Knowledge bases sharing an embedder are searched in one SQL query
 * (`knowledge_base_id IN (…)`); different embedders run in parallel (Promise.all), alongside the
 * one keyword query.
 *
 * Only chunks of documents whose status is "ready" and that are enabled are ever returned: a
 * document being ingested is invisible until its last chunk is stored.
 */

export interface SearchRequest {
  workspaceId: string;
  knowledgeBaseIds: string[];
  query: string;
  /** The query's vector for every knowledge base (when they share one embedder)… */
  queryEmbedding?: number[];
  /** …or per knowledge base id (when their embedders differ). KBs without one: keyword only. */
  queryEmbeddings?: Record<string, number[]>;
  topK: number;
  /** 0..1 — see lib/rag/fusion.ts for the scale of each mode. */
  scoreThreshold?: number;
  mode?: RetrievalMode;
  /** Fusion weights; default: lib/rag/fusion.ts defaultFusionWeights for the knowledge bases' embedders. */
  weights?: { vector: number; keyword: number };
  filter?: { documentIds?: string[]; tags?: string[] };
  /** Candidates each retriever contributes before fusion (default max(4·topK, 40)). */
  candidates?: number;
  /** The built-in lexical reranker (lib/rag/lexical-rerank.ts) where keyword search leads the
   *  ranking; default true. Off when a provider reranks the candidates anyway. */
  lexicalRerank?: boolean;
}

/** A chunk as search returns it: the stored chunk with how each retriever scored it. */
export interface RetrievedChunk extends ChunkDetails {
  /** Cosine similarity 0..1, or null when vector search did not return the chunk. */
  vectorScore: number | null;
  /** BM25 over its knowledge base's ideal score for the query, 0..1 (lib/text/bm25.ts), or null
   *  when keywords did not match. */
  keywordScore: number | null;
  /** The score fusion ranked by (0..1): fused RRF in hybrid mode. */
  fusedScore: number;
  /** The reranker's relevance 0..1 when retrieval reranked (lib/rag/retrieve.ts): then the
   *  order and the threshold follow it; null otherwise. */
  rerankScore: number | null;
  /** 1-based position in search's own order when the built-in reranker (lib/rag/lexical-rerank.ts)
   *  reordered the results — it may differ from `rank` — else null. */
  searchRank: number | null;
  /** 1-based position in the results. */
  rank: number;
}

interface Candidate {
  id: string;
  score: number;
}

/**
 * Searches knowledge bases of a workspace. Unknown or foreign knowledge base ids are ignored.
 * @example
 * const hits = await searchKnowledgeBases(db, { workspaceId: "local", knowledgeBaseIds: [kb.id], query: "统计调查项目",
 *   queryEmbedding: (await embedder.embed(["统计调查项目"]))[0], topK: 5, mode: "hybrid" });
 */
export async function searchKnowledgeBases(db: Db, request: SearchRequest): Promise<RetrievedChunk[]> {
  const mode = request.mode ?? "hybrid";
  const topK = Math.max(1, Math.floor(request.topK));
  const limit = Math.max(request.candidates ?? 0, topK * 4, 40);
  const kbs = await getKnowledgeBasesByIds(db, request.workspaceId, [...new Set(request.knowledgeBaseIds)]);
  if (kbs.length === 0 || !request.query.trim()) return [];
  const weights = request.weights ?? defaultFusionWeights(kbs.map((kb) => kb.embeddingModel));

  const groups = mode === "keyword" ? [] : vectorGroups(kbs, request);
  const terms = mode === "vector" ? [] : keywordQuery(request.query);
  const [keyword, ...vectorHits] = await Promise.all([
    terms.length
      ? searchKeywordsWithIdf(db, { workspaceId: request.workspaceId, knowledgeBases: kbs, terms, filter: request.filter, limit })
      : Promise.resolve<KeywordSearchResult>({ hits: [], idf: new Map() }),
    ...groups.map((g) => vectorSearch(db, request, g.kbs, g.vector, limit)),
  ]);
  const keywordHits = keyword.hits;
  // Several embedders: their cosine similarities are merged into one vector ranking.
  const vectorRanked = vectorHits.flat().sort((a, b) => b.score - a.score);
  const vectorScore = new Map(vectorRanked.map((c) => [c.id, c.score]));
  const keywordScore = new Map(keywordHits.map((c) => [c.id, c.score]));

  const fused =
    mode === "hybrid"
      ? fuseRankings([
          { weight: weights.vector, ids: vectorRanked.map((c) => c.id) },
          { weight: weights.keyword, ids: keywordHits.map((c) => c.id) },
        ])
      : mode === "vector"
        ? vectorRanked
        : keywordHits;
  const threshold = request.scoreThreshold ?? 0;
  const rerank = (request.lexicalRerank ?? true) && keywordHits.length > 1 && (mode === "keyword" || (mode === "hybrid" && keywordLeads(weights)));
  const chosen = fused.filter((c) => c.score >= threshold).slice(0, rerank ? Math.max(topK, LEXICAL_RERANK_POOL) : topK);
  if (chosen.length === 0) return [];

  const details = await getChunkDetails(db, request.workspaceId, chosen.map((c) => c.id));
  const found = chosen.flatMap((c) => {
    const d = details.get(c.id);
    return d ? [{ ...d, vectorScore: vectorScore.get(c.id) ?? null, keywordScore: keywordScore.get(c.id) ?? null, fusedScore: c.score, rerankScore: null, searchRank: null }] : [];
  });
  const ordered = rerank ? lexicallyReranked(request.query, found, keyword.idf) : found;
  return ordered.slice(0, topK).map((hit, i) => ({ ...hit, rank: i + 1 }));
}

/**
 * The candidates in the built-in reranker's order (lib/rag/lexical-rerank.ts): each query word
 * weighs its IDF in the candidate's own knowledge base.
 */
function lexicallyReranked<T extends Omit<RetrievedChunk, "rank">>(query: string, hits: T[], idf: KeywordSearchResult["idf"]): T[] {
  const knowledgeBaseOf = new Map<LexicalCandidate, string>();
  const candidates = hits.map((h) => {
    const candidate = { text: h.text, documentId: h.documentId, subject: documentSubject(h.documentName), index: h.index, keywordScore: h.keywordScore ?? 0 };
    knowledgeBaseOf.set(candidate, h.knowledgeBaseId);
    return candidate;
  });
  const order = lexicalRerankOrder(query, candidates, (term, c) => idf.get(knowledgeBaseOf.get(c) ?? "")?.get(term) ?? 0);
  return order.map((i) => ({ ...hits[i], searchRank: i + 1 }));
}

/** Knowledge bases grouped by (embedder, dimension): one SQL query per group. */
function vectorGroups(kbs: KnowledgeBase[], request: SearchRequest): Array<{ kbs: KnowledgeBase[]; vector: number[] }> {
  const groups = new Map<string, { kbs: KnowledgeBase[]; vector: number[] }>();
  for (const kb of kbs) {
    const vector = request.queryEmbeddings?.[kb.id] ?? request.queryEmbedding;
    if (!kb.dimension || !vector || vector.length !== kb.dimension) continue;
    const key = `${kb.embeddingProvider}\u0000${kb.embeddingModel}\u0000${kb.dimension}`;
    const group = groups.get(key) ?? { kbs: [], vector };
    group.kbs.push(kb);
    groups.set(key, group);
  }
  return [...groups.values()];
}

/** Vector candidates of knowledge bases sharing one embedder, as cosine similarities, best first. */
async function vectorSearch(db: Db, request: SearchRequest, kbs: KnowledgeBase[], vector: number[], limit: number): Promise<Candidate[]> {
  const rows = await vectorCandidates(db, request, kbs, vector, limit);
  return rows
    .map((r) => ({ id: r.id, score: similarityFromDistance(r.distance) }))
    .sort((a, b) => b.score - a.score)
    .slice(0, limit);
}

/**
 * Retrieved chunks as the `documents` port carries them (nodes/ports.ts): the text an LLM
 * should see (the parent passage in parent-child mode) plus provenance for citations.
 * @example return { documents: toDocumentChunks(hits) };
 */
export function toDocumentChunks(hits: RetrievedChunk[]): DocumentChunk[] {
  return hits.map((h) => ({
    id: h.id,
    text: h.parentText ?? h.text,
    documentId: h.documentId,
    documentName: h.documentName,
    knowledgeBaseId: h.knowledgeBaseId,
    position: h.index,
    score: h.rerankScore ?? h.fusedScore,
    metadata: {
      ...h.metadata,
      chunkText: h.text,
      start: h.start,
      page: h.page,
      vectorScore: h.vectorScore,
      keywordScore: h.keywordScore,
      ...(h.rerankScore !== null ? { fusedScore: h.fusedScore, rerankScore: h.rerankScore } : {}),
      rank: h.rank,
    },
  }));
}
