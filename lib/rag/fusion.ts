/**
 * Reciprocal rank fusion (Cormack et al., 2009): each retriever contributes
 * weight / (k + rank) for every chunk it returned; ranks, not raw scores, are combined, so a
 * cosine similarity and a keyword rank that live on different scales can be fused fairly.
 *
 * The fused score is normalised to 0..1 by the best possible sum, Σ weight / (k + 1): a chunk
 * ranked first by every retriever scores 1; one ranked first by only one of two equally weighted
 * retrievers scores 0.5; one ranked 10th by both scores 61/70 ≈ 0.87. Score thresholds apply to
 * this scale in hybrid mode. (In vector-only and keyword-only modes the threshold applies to the
 * retriever's own 0..1 score instead: cosine similarity, or the keyword rank score.)
 */

/** k = 60, the constant of the original paper and of most hybrid search engines. */
export const RRF_K = 60;

/** The offline embedder's model name (lib/providers/offline-embedder.ts), repeated here so this
 *  module stays free of provider imports. */
const OFFLINE_HASH_MODEL = "offline-hash-embedder";

/**
 * Vector weight (keyword = 1) when the vectors come from the offline hash embedder. Its vectors
 * are hashed words, bigrams and trigrams: a weaker copy of what BM25 already sees, so every
 * larger vector weight measured cost top-1 accuracy on all three eval sets (docs/benchmarks.md,
 * "Figures behind the text pipeline's choices"). RRF's k = 60 makes neighbouring keyword ranks differ by only ~1/60², so any vector weight above ~1/60
 * reorders them. At this weight the vector ranking only orders keyword
 * ties and appends the chunks keyword search missed entirely (typos, inflections the stemmer
 * does not know — the embedder's character trigrams still match them).
 */
export const OFFLINE_VECTOR_WEIGHT = 0.015;

/**
 * The fusion weights when neither the request nor the knowledge base sets them: equal for real
 * embedding models; keyword-led when every vector comes from the offline hash embedder.
 * @example defaultFusionWeights(["offline-hash-embedder"]) // { vector: 0.015, keyword: 1 }
 */
export function defaultFusionWeights(embeddingModels: string[]): { vector: number; keyword: number } {
  const offlineOnly = embeddingModels.length > 0 && embeddingModels.every((m) => m === OFFLINE_HASH_MODEL);
  return offlineOnly ? { vector: OFFLINE_VECTOR_WEIGHT, keyword: 1 } : { vector: 1, keyword: 1 };
}

/**
 * Whether keyword search decides the fused order: a vector weight under 1/RRF_K of the keyword
 * weight can only order keyword ties and append chunks keywords missed (the offline default).
 * @example keywordLeads({ vector: 0.015, keyword: 1 }) // true
 * @example keywordLeads({ vector: 1, keyword: 1 }) // false
 */
export function keywordLeads(weights: { vector: number; keyword: number }): boolean {
  return weights.keyword > 0 && weights.vector < weights.keyword / RRF_K;
}

/** One retriever's ranked list (best first) and its weight. */
export interface RankedList {
  weight: number;
  ids: string[];
}

/**
 * Fuses ranked lists into a normalised 0..1 score per id, best first. A list with weight 0 (or
 * an empty one) still counts in the normaliser, so turning a retriever's weight down is what
 * lowers every score — not an accident of which list happened to be empty.
 * @example
 * fuseRankings([{ weight: 1, ids: ["a", "b"] }, { weight: 1, ids: ["b"] }])
 * // [{ id: "b", score: (1/62 + 1/61) / (2/61) }, { id: "a", score: 0.5 }]
 */
export function fuseRankings(lists: RankedList[], k = RRF_K): Array<{ id: string; score: number }> {
  const total = lists.reduce((sum, list) => sum + Math.max(list.weight, 0), 0);
  if (total <= 0) return [];
  const best = total / (k + 1);
  const scores = new Map<string, number>();
  for (const list of lists) {
    const weight = Math.max(list.weight, 0);
    if (weight === 0) continue;
    list.ids.forEach((id, i) => scores.set(id, (scores.get(id) ?? 0) + weight / (k + i + 1)));
  }
  return [...scores.entries()]
    .map(([id, score]) => ({ id, score: score / best }))
    .sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1));
}

/**
 * Cosine distance (pgvector's `<=>`, 0..2) to a 0..1 similarity: 1 − distance, clamped at 0 so
 * opposite vectors read as "unrelated" rather than negative.
 * @example similarityFromDistance(0.2) // 0.8
 */
export function similarityFromDistance(distance: number): number {
  return Math.min(1, Math.max(0, 1 - distance));
}
