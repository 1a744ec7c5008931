/**
 * Okapi BM25 as keyword search ranks chunks, with the statistics of the knowledge base a chunk
 * belongs to: each knowledge base is its own collection (its own chunk count, average length and
 * document frequencies), so adding a second knowledge base to a query never changes how the
 * first one's chunks rank among themselves.
 *
 * Scores of different knowledge bases are made comparable by dividing by the query's *ideal*
 * score in that knowledge base: the bound BM25 approaches when every query term the knowledge
 * base has fills the chunk (Σ idf × (k1 + 1) over those terms). The result lies in 0..1 whatever
 * the collection's size — a chunk of average length holding each of those terms once scores
 * 1 / (k1 + 1) ≈ 0.53 — and is what keyword-only thresholds apply to. Terms a knowledge base
 * lacks are left out of its ideal: counting them at full weight made a query spanning two
 * knowledge bases (one Chinese phrase, two English words) rank only the knowledge base with more
 * matching tokens, since each side's terms are common in its own collection (low idf) and the
 * other side's absent terms weighed the most. The price: a knowledge base that has only one of three query terms
 * can rank a chunk holding it as high as another knowledge base's chunk holding all three (both
 * are "all they can match"); weighting by the share of query terms a knowledge base has would
 * fix that but again hand a Chinese-plus-English query to the side with more tokens (a Chinese
 * word also yields its bigrams).
 *
 * k1 = 0.9, b = 0.4 are Anserini's defaults, the parameters of the plain-BM25 reference; on the
 * eval sets' 300-character chunks other values did no better (docs/benchmarks.md).
 */

export const BM25_K1 = 0.9;
export const BM25_B = 0.4;

/**
 * Inverse document frequency (the "+1" variant of Lucene: never negative).
 * @example bm25Idf(1000, 10) // ≈ 4.56
 */
export function bm25Idf(chunks: number, documentFrequency: number): number {
  return Math.log(1 + (chunks - documentFrequency + 0.5) / (documentFrequency + 0.5));
}

/**
 * One term's contribution for a chunk: idf × saturated, length-normalised term frequency.
 * @example bm25Term(4.56, 1, 40, 40) // 4.56 (tf 1 at average length contributes exactly idf)
 */
export function bm25Term(idf: number, tf: number, length: number, averageLength: number, k1 = BM25_K1, b = BM25_B): number {
  if (tf <= 0) return 0;
  const norm = averageLength > 0 ? 1 - b + (b * length) / averageLength : 1;
  return (idf * tf * (k1 + 1)) / (tf + k1 * norm);
}

/** A knowledge base's collection statistics over its visible chunks. */
export interface CollectionStats {
  /** Visible chunks (enabled, of ready documents). */
  chunks: number;
  /** Their average keyword token count. */
  averageLength: number;
}

/**
 * The normaliser of a knowledge base for a query: Σ idf × (k1 + 1) over the query's terms it has
 * (df > 0).
 * @example idealScore({ chunks: 100, averageLength: 40 }, [3, 0]) // bm25Idf(100, 3) * 1.9
 */
export function idealScore(stats: CollectionStats, documentFrequencies: number[], k1 = BM25_K1): number {
  return documentFrequencies.reduce((sum, df) => (df > 0 ? sum + bm25Idf(stats.chunks, df) * (k1 + 1) : sum), 0);
}

/**
 * A chunk's BM25 score for the query, normalised by the ideal score of its knowledge base (0..1).
 * @example
 * bm25Score({ chunks: 100, averageLength: 40 }, [5, 50], [{ tf: 2, k: 0 }], 35)
 */
export function bm25Score(stats: CollectionStats, documentFrequencies: number[], matches: Array<{ k: number; tf: number }>, length: number): number {
  const ideal = idealScore(stats, documentFrequencies);
  if (ideal <= 0) return 0;
  let score = 0;
  for (const { k, tf } of matches) score += bm25Term(bm25Idf(stats.chunks, documentFrequencies[k] ?? 0), tf, length, stats.averageLength);
  return score / ideal;
}
