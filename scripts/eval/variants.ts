/**
 * Ranking variants of the retrieval evaluation, recomputed in memory over exactly the chunks the
 * product stores (parseFile → splitDocument with the default settings) and scored with the
 * eval's own metrics — to compare keyword tokenisations and fusion weights in seconds, without a
 * database. The eval command (scripts/eval-retrieval.ts) stays the measurement of record; its
 * BM25 + default-fusion figures match the "bm25" and "rrf 0.015" rows here.
 * NO_SUBJECT=1 indexes chunks without their document's name, as before lib/text/chunk-context.ts.
 * @example npx tsx --conditions=react-server scripts/eval/variants.ts /work/shared/eval/cmrc2018_trial_zh
 */
import path from "node:path";
import { hashEmbed } from "@/lib/providers";
import { fuseRankings, OFFLINE_VECTOR_WEIGHT } from "@/lib/rag/fusion";
import { keywordTokens } from "@/lib/text/keywords";
import { memoryBm25 } from "./memory-bm25";
import { storedChunks, type StoredChunk } from "./chunks";
import { scoreQuery, summarize } from "./metrics";

interface Chunk extends StoredChunk {
  vector: Float32Array;
}

type Tokenizer = (text: string) => string[];

/** Plain BM25 over the chunks, for one tokenisation: returns a ranker (best chunk indexes first). */
function bm25Ranker(chunks: Chunk[], tokenize: Tokenizer): (query: string) => number[] {
  const index = memoryBm25(
    chunks.map((c) => c.indexText),
    tokenize,
  );
  return (query) => index.search(tokenize(query)).map(([i]) => i);
}

function vectorRanker(chunks: Chunk[]): (query: string) => number[] {
  return (query) => {
    const q = hashEmbed(query);
    return chunks
      .map((c, i) => {
        let dot = 0;
        for (let k = 0; k < q.length; k++) dot += q[k] * c.vector[k];
        return [i, dot] as const;
      })
      .sort((a, b) => b[1] - a[1])
      .slice(0, 40)
      .map(([i]) => i);
  };
}

/** Character bigrams of the whitespace-stripped, lower-cased text (the eval README's reference). */
const charBigrams: Tokenizer = (text) => {
  const s = text.toLowerCase().replace(/\s+/g, "");
  return Array.from({ length: Math.max(0, s.length - 1) }, (_, i) => s.slice(i, i + 2));
};

async function main(dir: string): Promise<void> {
  const { queries, chunks: stored } = await storedChunks(dir, { withSubject: !process.env.NO_SUBJECT });
  const chunks: Chunk[] = stored.map((c) => ({ ...c, vector: Float32Array.from(hashEmbed(c.indexText)) }));
  const set = { queries };
  const evaluate = (rank: (query: string) => number[]) => {
    const outcomes = set.queries.map((q) => scoreQuery(rank(q.question).slice(0, 10).map((i) => chunks[i]), q, 1500));
    const s = summarize({ documents: 0, chunks: chunks.length, ingestSeconds: 0, outcomes, queryMs: [] });
    return `${s.answer_in_top1_chunk.toFixed(3)} / ${s.answer_in_context.toFixed(3)}   recall@5 ${s.recall_at_5.toFixed(3)}   mrr@10 ${s.mrr_at_10.toFixed(3)}`;
  };
  const keyword = bm25Ranker(chunks, keywordTokens);
  const vector = vectorRanker(chunks);
  const memo = new Map<string, [number[], number[]]>();
  const both = (q: string) => memo.get(q) ?? memo.set(q, [keyword(q).slice(0, 40), vector(q)]).get(q)!;
  const rows: Array<[string, (query: string) => number[]]> = [
    ["bm25 (index tokens)", keyword],
    ["bm25 (char bigrams)", bm25Ranker(chunks, charBigrams)],
    ["hash vectors", vector],
    ...[1, 0.3, 0.1, OFFLINE_VECTOR_WEIGHT].map(
      (w) =>
        [
          `rrf keyword 1, vector ${w}`,
          (q: string) => {
            const [k, v] = both(q);
            return fuseRankings([
              { weight: 1, ids: k.map(String) },
              { weight: w, ids: v.map(String) },
            ]).map((x) => Number(x.id));
          },
        ] as [string, (query: string) => number[]],
    ),
  ];
  console.log(`${path.basename(dir)}: ${chunks.length} chunks, ${set.queries.length} queries (answer in top-1 chunk / in 1 500 characters)`);
  for (const [name, rank] of rows) console.log(`  ${name.padEnd(28)} ${evaluate(rank)}`);
}

main(process.argv[2] ?? "").catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
