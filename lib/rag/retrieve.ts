import "server-only";
import type { Db } from "@/lib/db/client";
import { getKnowledgeBasesByIds } from "@/lib/db/queries/knowledge-bases";
import type { KnowledgeBase } from "@/lib/db/schema";
import type { Embedder } from "@/lib/providers/types";
import { EmbeddingCache } from "./embed-cache";
import { defaultFusionWeights } from "./fusion";
import { RetrievalCache } from "./retrieval-cache";
import { searchKnowledgeBases, type RetrievedChunk, type SearchRequest } from "./search";

export interface RetrieveDeps {
  db: Db;
  /** The embedder that filled a knowledge base (resolved from its provider settings). */
  embedderFor(kb: KnowledgeBase): Embedder | Promise<Embedder>;
  embeddingCache?: EmbeddingCache;
  retrievalCache?: RetrievalCache;
  signal?: AbortSignal;
}

export type RetrieveRequest = Omit<SearchRequest, "queryEmbedding" | "queryEmbeddings">;

/**
 * Retrieval with everything around the search: cached results (keyed on the knowledge bases'
 * content versions), the query embedded once per distinct embedder (in parallel, cached), then
 * `searchKnowledgeBases`. What the retriever node, the retrieval test page and the batch
 * retrieval endpoint call.
 * @example
 * const hits = await retrieve({ db, embedderFor, embeddingCache, retrievalCache },
 *   { workspaceId: "local", knowledgeBaseIds: [kbId], query: "退货政策", topK: 5 });
 */
export async function retrieve(deps: RetrieveDeps, request: RetrieveRequest): Promise<RetrievedChunk[]> {
  const kbs = await getKnowledgeBasesByIds(deps.db, request.workspaceId, [...new Set(request.knowledgeBaseIds)]);
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
        const [vector] = deps.embeddingCache
          ? await deps.embeddingCache.embed(embedder, [request.query], deps.signal)
          : await embedder.embed([request.query], deps.signal);
        for (const kb of group) queryEmbeddings[kb.id] = vector;
      }),
    );
  }
  // The default weights follow the embedders actually used (a "default" provider may have fallen
  // back to the offline one).
  const weights = request.weights ?? (models.length ? defaultFusionWeights(models) : undefined);
  const hits = await searchKnowledgeBases(deps.db, { ...request, weights, queryEmbeddings });
  deps.retrievalCache?.set(key, hits);
  return hits;
}
