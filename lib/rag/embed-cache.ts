import type { Embedder } from "@/lib/providers/types";

/**
 * A small least-recently-used map: reading an entry makes it the newest, and inserting past
 * `max` drops the oldest. Backed by a Map, whose iteration order is insertion order.
 * @example const lru = new LruCache<string, number>(2); lru.set("a", 1); lru.get("a") // 1
 */
export class LruCache<K, V> {
  private readonly entries = new Map<K, V>();
  constructor(readonly max: number) {
    if (!(max >= 1)) throw new RangeError("LruCache needs room for at least one entry");
  }
  get size(): number {
    return this.entries.size;
  }
  get(key: K): V | undefined {
    const value = this.entries.get(key);
    if (value === undefined) return undefined;
    this.entries.delete(key);
    this.entries.set(key, value);
    return value;
  }
  set(key: K, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    while (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value as K);
  }
  clear(): void {
    this.entries.clear();
  }
}

/**
 * Query embeddings of frequent questions, keyed by provider + model + text: embedding a query
 * through a model server costs tens of milliseconds, a cache hit nothing. Vectors of a model
 * never change, so entries need no invalidation — only a bound.
 */
export class EmbeddingCache {
  private readonly lru: LruCache<string, number[]>;
  hits = 0;
  misses = 0;
  constructor(max = 2_000) {
    this.lru = new LruCache(max);
  }

  /**
   * The vectors of `texts` by `embedder`, embedding only the ones not cached (in one call).
   * @example const [q] = await cache.embed(embedder, ["什么是统计调查？"]);
   */
  async embed(embedder: Embedder, texts: string[], signal?: AbortSignal): Promise<number[][]> {
    const keyOf = (text: string) => `${embedder.provider}\u0000${embedder.model}\u0000${text}`;
    const out = texts.map((text) => this.lru.get(keyOf(text)));
    const missing = [...new Set(texts.filter((_, i) => !out[i]))];
    this.hits += out.filter(Boolean).length;
    this.misses += missing.length;
    if (missing.length > 0) {
      const vectors = await embedder.embed(missing, signal);
      const fresh = new Map(missing.map((text, i) => [text, vectors[i]]));
      fresh.forEach((vector, text) => this.lru.set(keyOf(text), vector));
      texts.forEach((text, i) => (out[i] ??= fresh.get(text)));
    }
    return out as number[][];
  }

  /**
   * An Embedder that goes through this cache (for code that takes an Embedder).
   * @example const cached = cache.wrap(createEmbedder(offlineProvider));
   */
  wrap(embedder: Embedder): Embedder {
    return { provider: embedder.provider, model: embedder.model, embed: (texts, signal) => this.embed(embedder, texts, signal) };
  }
}
