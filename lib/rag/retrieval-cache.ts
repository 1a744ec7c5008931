import { DEFAULT_RERANK_CANDIDATES, type RerankSettings } from "@/lib/db/schema";
import type { RetrievedChunk, SearchRequest } from "./search";
import { LruCache } from "./embed-cache";

/**
 * Results of frequent retrievals. The key holds everything that shapes the answer — the
 * query, mode, top-k, threshold, weights, filters, rerank settings — and the content version of every
 * knowledge base searched. Any change that affects retrieval (a document ready or deleted, a
 * chunk edited, disabled or deleted, a re-embed) bumps that version, so a stale entry is simply
 * never looked up again and ages out of the LRU. Entries also expire after `ttlMs`, a bound on
 * staleness should a change ever bypass the version.
 */
export class RetrievalCache {
  private readonly lru: LruCache<string, { at: number; hits: RetrievedChunk[] }>;
  constructor(
    max = 500,
    private readonly ttlMs = 10 * 60_000,
  ) {
    this.lru = new LruCache(max);
  }

  /**
   * The cache key of a request against knowledge bases at the given content versions.
   * @example const key = RetrievalCache.key(request, new Map([[kb.id, kb.contentVersion]]));
   */
  static key(request: Omit<SearchRequest, "queryEmbedding" | "queryEmbeddings"> & { rerank?: RerankSettings | null }, versions: Map<string, number>): string {
    const rerank = request.rerank ? [request.rerank.provider, request.rerank.model || "", request.rerank.topN ?? DEFAULT_RERANK_CANDIDATES] : null;
    const kbs = [...new Set(request.knowledgeBaseIds)].sort().map((id) => [id, versions.get(id) ?? -1]);
    return JSON.stringify([
      request.workspaceId,
      kbs,
      request.query,
      request.mode ?? "hybrid",
      request.topK,
      request.scoreThreshold ?? 0,
      request.weights ?? null,
      request.filter?.documentIds ? [...request.filter.documentIds].sort() : null,
      request.filter?.tags ? [...request.filter.tags].sort() : null,
      request.candidates ?? null,
      rerank,
    ]);
  }

  get(key: string): RetrievedChunk[] | undefined {
    const entry = this.lru.get(key);
    if (!entry) return undefined;
    if (Date.now() - entry.at > this.ttlMs) return undefined;
    return entry.hits;
  }

  set(key: string, hits: RetrievedChunk[]): void {
    this.lru.set(key, { at: Date.now(), hits });
  }

  get size(): number {
    return this.lru.size;
  }
}
