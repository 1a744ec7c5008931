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
