/**
 * BM25 over chunks held in memory, with the product's parameters and normalisation (score over
 * the ideal score, lib/text/bm25.ts): what keyword search returns, without a database.
 */
import { bm25Idf, bm25Term, BM25_K1 } from "@/lib/text/bm25";

export interface MemoryBm25 {
  /** IDF of a term (0 when no chunk holds it). */
  idf(term: string): number;
  /** Chunk indexes with their normalised scores (0..1), best first; ties by index. */
  search(terms: string[]): Array<[number, number]>;
}

/**
 * Indexes texts with a tokeniser.
 * @example memoryBm25(["a b", "b c"], (t) => t.split(" ")).search(["c"]) // [[1, …]]
 */
export function memoryBm25(texts: string[], tokenize: (text: string) => string[]): MemoryBm25 {
  const tfs = texts.map((text) => {
    const tf = new Map<string, number>();
    let length = 0;
    for (const t of tokenize(text)) {
      tf.set(t, (tf.get(t) ?? 0) + 1);
      length++;
    }
    return { tf, length };
  });
  const average = tfs.reduce((s, d) => s + d.length, 0) / Math.max(1, texts.length);
  const postings = new Map<string, number[]>();
  tfs.forEach(({ tf }, i) => {
    for (const t of tf.keys()) {
      const list = postings.get(t);
      if (list) list.push(i);
      else postings.set(t, [i]);
    }
  });
  const idf = (term: string) => {
    const list = postings.get(term);
    return list ? bm25Idf(texts.length, list.length) : 0;
  };
  return {
    idf,
    search(terms) {
      const scores = new Map<number, number>();
      let ideal = 0;
      for (const term of new Set(terms)) {
        const list = postings.get(term);
        if (!list) continue;
        const w = idf(term);
        ideal += w * (BM25_K1 + 1);
        for (const i of list) scores.set(i, (scores.get(i) ?? 0) + bm25Term(w, tfs[i].tf.get(term) as number, tfs[i].length, average));
      }
      return [...scores].map(([i, s]): [number, number] => [i, s / ideal]).sort((a, b) => b[1] - a[1] || a[0] - b[0]);
    },
  };
}
