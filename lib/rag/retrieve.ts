import "server-only";
import type { Db } from "@/lib/db/client";
import { getKnowledgeBasesByIds } from "@/lib/db/queries/knowledge-bases";
import { DEFAULT_RERANK_CANDIDATES, type KnowledgeBase, type RerankSettings } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import type { Reranker } from "@/lib/providers/rerank";
import type { Embedder } from "@/lib/providers/types";
import { EmbeddingCache } from "./embed-cache";
import { defaultFusionWeights } from "./fusion";
import { foldToSimplified } from "@/lib/text/keywords";
import { RetrievalCache } from "./retrieval-cache";
import { searchKnowledgeBases, type RetrievedChunk, type SearchRequest } from "./search";

export interface RetrieveDeps {
  db: Db;
  /** The embedder that filled a knowledge base (resolved from its provider settings). */
  embedderFor(kb: KnowledgeBase): Embedder | Promise<Embedder>;
  /** The reranker a request's rerank settings name (a stored provider of the workspace). */
  rerankerFor?(settings: RerankSettings, workspaceId: string): Reranker | Promise<Reranker>;
  embeddingCache?: EmbeddingCache;
  retrievalCache?: RetrievalCache;
  signal?: AbortSignal;
}

export type RetrieveRequest = Omit<SearchRequest, "queryEmbedding" | "queryEmbeddings"> & {
  /** Rerank the candidates (see RerankSettings); the score threshold then applies to the rerank score. */
  rerank?: RerankSettings | null;
};

/**
 * Retrieval with everything around the search: cached results (keyed on the knowledge bases'
 * content versions), the query embedded once per distinct embedder (in parallel, cached), then
 * `searchKnowledgeBases`, then — when `rerank` is set — the reranker. What the retriever node, the retrieval test page and the batch
 * retrieval endpoint call.
 * @example
 * const hits = await retrieve({ db, embedderFor, embeddingCache, retrievalCache },
 *   { workspaceId: "local", knowledgeBaseIds: [kbId], query: "退货政策", topK: 5 });
 */
export async function retrieve(deps: RetrieveDeps, request: RetrieveRequest): Promise<RetrievedChunk[]> {
  const wanted = [...new Set(request.knowledgeBaseIds)];
  const kbs = await getKnowledgeBasesByIds(deps.db, request.workspaceId, wanted);
  // A deleted knowledge base must fail the search, not answer without sources: a published bot
  // runs a frozen graph that may name one deleted since.
  const missing = wanted.filter((id) => !kbs.some((kb) => kb.id === id));
  if (missing.length) {
    const short = missing.map((id) => id.slice(0, 8)).join(", ");
    throw new AppError(
      "knowledge_base_missing",
      {
        en: `A knowledge base this search names no longer exists (${short}…): choose another in the retriever's settings.`,
        zh: `此检索使用的知识库已不存在（${short}…）：请在知识检索节点的设置中另选一个。`,
      },
      400,
    );
  }
  const key = RetrievalCache.key(request, new Map(kbs.map((kb) => [kb.id, kb.contentVersion])));
  const cached = deps.retrievalCache?.get(key);
  if (cached) return cached;

  const queryEmbeddings: Record<string, number[]> = {};
  const models: string[] = [];
  if ((request.mode ?? "hybrid") !== "keyword") {
    const byEmbedder = new Map<string, KnowledgeBase[]>();
    for (const kb of kbs.filter((k) => k.dimension)) {
      const id = `${kb.embeddingProvider}\u0000${kb.embeddingModel}`;
      byEmbedder.set(id, [...(byEmbedder.get(id) ?? []), kb]);
    }
    await Promise.all(
      [...byEmbedder.values()].map(async (group) => {
        const embedder = await deps.embedderFor(group[0]);
        models.push(embedder.model);
        const texts = queryTexts(request.query);
        const vectors = deps.embeddingCache ? await deps.embeddingCache.embed(embedder, texts, deps.signal) : await embedder.embed(texts, deps.signal);
        const vector = meanDirection(vectors);
        for (const kb of group) queryEmbeddings[kb.id] = vector;
      }),
    );
  }
  // The default weights follow the embedders actually used (a "default" provider may have fallen
  // back to the offline one).
  const weights = request.weights ?? (models.length ? defaultFusionWeights(models) : undefined);
  const { rerank, ...search } = request;
  const hits = rerank
    ? await reranked(deps, request, rerank, await searchKnowledgeBases(deps.db, { ...search, weights, queryEmbeddings, ...candidatesFor(request, rerank) }))
    : await searchKnowledgeBases(deps.db, { ...search, weights, queryEmbeddings });
  deps.retrievalCache?.set(key, hits);
  return hits;
}

/**
 * What the question is embedded as: as written, and — when it has Traditional characters —
 * folded to Simplified too, as keyword search folds it. Stored chunk vectors stay those of the
 * text as written (no re-embedding of existing knowledge bases), and a knowledge base may be in
 * either script: the mean of the two directions is nearer a Simplified chunk than the Traditional
 * question alone, and nearer a Traditional chunk than the folded question alone.
 * @example queryTexts("民營經濟") // ["民營經濟", "民营经济"]
 */
export function queryTexts(query: string): string[] {
  const folded = foldToSimplified(query);
  return folded === query ? [query] : [query, folded];
}

/** The unit vector along the sum of unit vectors (one vector comes back unchanged). */
function meanDirection(vectors: number[][]): number[] {
  if (vectors.length === 1) return vectors[0];
  const sum = new Array<number>(vectors[0].length).fill(0);
  for (const v of vectors) {
    const norm = Math.hypot(...v) || 1;
    for (let i = 0; i < v.length; i++) sum[i] += v[i] / norm;
  }
  const norm = Math.hypot(...sum) || 1;
  return sum.map((x) => x / norm);
}

/** With reranking, search keeps max(topN, topK) candidates and no threshold (it applies to the rerank score), in search's own order. */
function candidatesFor(request: RetrieveRequest, rerank: RerankSettings): Pick<SearchRequest, "topK" | "scoreThreshold" | "lexicalRerank"> {
  return { topK: Math.max(Math.floor(request.topK), rerank.topN ?? DEFAULT_RERANK_CANDIDATES), scoreThreshold: undefined, lexicalRerank: false };
}

/**
 * The candidates scored by the reranker (on each chunk's own text, the part that matched),
 * ordered by its score, cut to top-k and the threshold. A reranker failure fails the retrieval
 * with the provider's error: results silently left un-reranked would pass for reranked ones.
 */
async function reranked(deps: RetrieveDeps, request: RetrieveRequest, rerank: RerankSettings, candidates: RetrievedChunk[]): Promise<RetrievedChunk[]> {
  if (!deps.rerankerFor) {
    throw new AppError("RERANK_UNAVAILABLE", { en: "Reranking is not available here.", zh: "此处无法使用重排序。" }, 500);
  }
  const reranker = await deps.rerankerFor(rerank, request.workspaceId);
  if (candidates.length === 0) return [];
  const topK = Math.max(1, Math.floor(request.topK));
  const scores = await reranker.rerank(request.query, candidates.map((c) => c.text), { topN: topK, signal: deps.signal });
  const threshold = request.scoreThreshold ?? 0;
  return scores
    .filter((s) => s.score >= threshold)
    .slice(0, topK)
    .map((s, i) => ({ ...candidates[s.index], rerankScore: s.score, rank: i + 1 }));
}
