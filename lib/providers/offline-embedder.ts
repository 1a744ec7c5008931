import { ProviderError, providerMessages } from "./errors";
import { featureWeights, forEachFeature, kindWeight } from "./text-features";
import type { Embedder } from "./types";

export const OFFLINE_EMBEDDER_MODEL = "offline-hash-embedder";
export const OFFLINE_EMBEDDING_DIMENSION = 512;

const FNV_OFFSET = 0x811c9dc5;

/** FNV-1a over UTF-16 code units, continuing from state `h`: fast, stable across platforms and runs. */
function fnv1a(text: string, h = FNV_OFFSET): number {
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h | 0;
}

const W_PREFIX = fnv1a("w:");
const T_PREFIX = fnv1a("t:");
const HASH = 35; // "#", the trigram padding

/*
 * The features of the text being embedded, counted by their 32-bit key hash in first-seen order
 * (reused between calls; one embedding at a time, synchronously). Hashing "w:word" and each
 * "t:" trigram from the code units, without building the key strings (and stemming without
 * regular expressions) takes SQuAD's 2 429 passages from ~300 to ~200 ms; the result is that of hashing the keys of textFeatures (a test compares
 * them), unless two different keys of one text share a 32-bit hash (then their counts merge).
 */
const hashes: number[] = [];
const weights: number[] = [];
const counts: number[] = [];
// Open addressing from hash to slot + 1 (0 = empty): a Map keyed by numbers was 3× slower here.
let table = new Int32Array(4096);
let tableKeys = new Int32Array(4096);

function place(h: number, slot: number): number {
  const mask = table.length - 1;
  let i = (h ^ (h >>> 15)) & mask;
  while (table[i] !== 0) {
    if (tableKeys[i] === h) return table[i] - 1;
    i = (i + 1) & mask;
  }
  table[i] = slot + 1;
  tableKeys[i] = h;
  return slot;
}

function count(h: number, weight: number): void {
  const slot = place(h, hashes.length);
  if (slot < hashes.length) {
    counts[slot]++;
    return;
  }
  hashes.push(h);
  weights.push(weight);
  counts.push(1);
  if (hashes.length * 2 > table.length) {
    table = new Int32Array(table.length * 2);
    tableKeys = new Int32Array(table.length);
    hashes.forEach((key, i) => place(key, i));
  }
}

function countHanKey(key: string): void {
  count(fnv1a(key), kindWeight(key));
}

function countWord(word: string): void {
  count(fnv1a(word, W_PREFIX), featureWeights.w);
  const n = word.length;
  if (n <= 2) return;
  // Trigrams of "#word#".
  const unit = (i: number) => (i === 0 || i === n + 1 ? HASH : word.charCodeAt(i - 1));
  for (let i = 0; i + 3 <= n + 2; i++) {
    let h = Math.imul(T_PREFIX ^ unit(i), 0x01000193);
    h = Math.imul(h ^ unit(i + 1), 0x01000193);
    h = Math.imul(h ^ unit(i + 2), 0x01000193);
    count(h | 0, featureWeights.t);
  }
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
  table.fill(0);
  hashes.length = weights.length = counts.length = 0;
  forEachFeature(text, countHanKey, countWord);
  const vector = new Float64Array(dimension);
  for (let i = 0; i < hashes.length; i++) {
    const h = hashes[i];
    const sign = mix(h ^ 0x9e3779b9) & 1 ? 1 : -1;
    vector[mix(h) % dimension] += sign * (1 + Math.log(counts[i])) * weights[i];
  }
  let norm = 0;
  for (let i = 0; i < dimension; i++) norm += vector[i] * vector[i];
  // A text without features (empty, punctuation only) gets a constant unit vector, so cosine
  // distance stays defined (pgvector returns NaN for a zero vector).
  if (norm === 0) return Array.from({ length: dimension }, () => 1 / Math.sqrt(dimension));
  const scale = 1 / Math.sqrt(norm);
  const out = new Array<number>(dimension);
  for (let i = 0; i < dimension; i++) out[i] = vector[i] * scale;
  return out;
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
