import { ProviderError, providerMessages } from "./errors";
import { featureWeight, textFeatures } from "./text-features";
import type { Embedder } from "./types";

export const OFFLINE_EMBEDDER_MODEL = "offline-hash-embedder";
export const OFFLINE_EMBEDDING_DIMENSION = 512;

/** FNV-1a over UTF-16 code units: fast, stable across platforms and runs. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** MurmurHash3's finaliser: spreads FNV's weak low bits before we take a bucket and a sign. */
function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * A deterministic, L2-normalised vector for a text, from hashed lexical features (the "hashing
 * trick"): sublinear tf weights, and a sign per feature so colliding features cancel out on
 * average instead of piling up. No download, no model: a retrieval baseline that still ranks
 * "向量数据库" near "向量检索" and "vector index" near "indexing vectors".
 * @example hashEmbed("向量数据库").length // 512
 */
export function hashEmbed(text: string, dimension = OFFLINE_EMBEDDING_DIMENSION): number[] {
  const vector = new Float64Array(dimension);
  for (const [key, count] of textFeatures(text)) {
    const h = fnv1a(key);
    const bucket = mix(h) % dimension;
    const sign = mix(h ^ 0x9e3779b9) & 1 ? 1 : -1;
    vector[bucket] += sign * featureWeight(key, count);
  }
  let norm = 0;
  for (let i = 0; i < dimension; i++) norm += vector[i] * vector[i];
  // A text without features (empty, punctuation only) gets a constant unit vector, so cosine
  // distance stays defined (pgvector returns NaN for a zero vector).
  if (norm === 0) return Array.from({ length: dimension }, () => 1 / Math.sqrt(dimension));
  const scale = 1 / Math.sqrt(norm);
  return Array.from(vector, (v) => v * scale);
}

/**
 * The embedder used when no model server is available, named for what it is.
 * @example await createOfflineEmbedder().embed(["你好", "hello"]) // two 512-dim unit vectors
 */
export function createOfflineEmbedder(provider = "offline", dimension = OFFLINE_EMBEDDING_DIMENSION): Embedder {
  return {
    provider,
    model: OFFLINE_EMBEDDER_MODEL,
    async embed(texts, signal) {
      const out: number[][] = [];
      for (const text of texts) {
        if (signal?.aborted) throw new ProviderError("CANCELLED", providerMessages.cancelled());
        out.push(hashEmbed(text, dimension));
      }
      return out;
    },
  };
}
