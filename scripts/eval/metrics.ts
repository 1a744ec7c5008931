/**
 * The metric arithmetic of the retrieval evaluation, kept pure so a test can check it by hand.
 * A ranked result is a list of chunks (text + the passage each one starts in), best first.
 */

import { contextExcerpts, type ExcerptSource } from "@/lib/text/excerpts";

export interface RankedChunk extends ExcerptSource {
  text: string;
  /** Id of the passage where the chunk starts. */
  passageId: string | undefined;
}

export interface QueryOutcome {
  /** A gold answer appears verbatim in the first chunk. */
  top1: boolean;
  /** A gold answer appears in the context the retriever node builds from the chunks that fit
   *  the budget (neighbours of one document joined, their overlap counted once — lib/text/excerpts.ts). */
  inContext: boolean;
  /** A gold passage is among the first 5 chunks' passages. */
  recall5: boolean;
  /** 1 / rank of the first chunk from a gold passage within the first 10, else 0. */
  reciprocalRank: number;
}

/**
 * Scores one question's ranked chunks against its gold answers and gold passages.
 * @example scoreQuery([{ text: "Paris is…", passageId: "p1" }], { answers: ["Paris"], goldIds: ["p1"] }, 1500) // all true, rr 1
 */
export function scoreQuery(ranked: RankedChunk[], gold: { answers: string[]; goldIds: string[] }, budget: number): QueryOutcome {
  const answers = gold.answers.filter((a) => a.length > 0);
  const has = (text: string) => answers.some((a) => text.includes(a));
  const goldIds = new Set(gold.goldIds);
  const firstGold = ranked.slice(0, 10).findIndex((c) => c.passageId !== undefined && goldIds.has(c.passageId));
  return {
    top1: ranked.length > 0 && has(ranked[0].text),
    inContext: contextExcerpts(ranked, budget).some((e) => has(e.text)),
    recall5: firstGold >= 0 && firstGold < 5,
    reciprocalRank: firstGold >= 0 ? 1 / (firstGold + 1) : 0,
  };
}

/**
 * The q-quantile of a list of numbers (nearest rank), 0 for an empty list.
 * @example percentile([1, 2, 3, 4], 0.5) // 2
 */
export function percentile(values: number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

export interface EvalSummary {
  documents: number;
  chunks: number;
  queries: number;
  answer_in_top1_chunk: number;
  answer_in_context: number;
  recall_at_5: number;
  mrr_at_10: number;
  ingest_seconds: number;
  chunks_per_second: number;
  query_ms_p50: number;
  query_ms_p95: number;
}

const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits;

/**
 * Averages outcomes and rounds the figures (3 decimals for rates, 2 for times).
 * @example summarize({ documents: 1, chunks: 10, ingestSeconds: 0.5, outcomes, queryMs })
 */
export function summarize(input: { documents: number; chunks: number; ingestSeconds: number; outcomes: QueryOutcome[]; queryMs: number[] }): EvalSummary {
  const n = input.outcomes.length;
  const mean = (pick: (o: QueryOutcome) => number) => (n ? input.outcomes.reduce((s, o) => s + pick(o), 0) / n : 0);
  return {
    documents: input.documents,
    chunks: input.chunks,
    queries: n,
    answer_in_top1_chunk: round(mean((o) => Number(o.top1)), 3),
    answer_in_context: round(mean((o) => Number(o.inContext)), 3),
    recall_at_5: round(mean((o) => Number(o.recall5)), 3),
    mrr_at_10: round(mean((o) => o.reciprocalRank), 3),
    ingest_seconds: round(input.ingestSeconds, 2),
    chunks_per_second: input.ingestSeconds > 0 ? Math.round(input.chunks / input.ingestSeconds) : 0,
    query_ms_p50: round(percentile(input.queryMs, 0.5), 2),
    query_ms_p95: round(percentile(input.queryMs, 0.95), 2),
  };
}
