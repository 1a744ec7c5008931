/**
 * Ranking variants of the retrieval evaluation, recomputed in memory over exactly the chunks the
 * product stores (parseFile → splitDocument with the default settings) and scored with the
 * eval's own metrics — to compare keyword tokenisations and fusion weights in seconds, without a
 * database. The eval command (scripts/eval-retrieval.ts) stays the measurement of record; its
 * BM25 + default-fusion figures match the "bm25" and "rrf 0.015" rows here.
 * NO_SUBJECT=1 indexes chunks without their document's name, as before lib/rag/chunk-context.ts.
 * @example npx tsx --conditions=react-server scripts/eval/variants.ts /work/shared/eval/cmrc2018_trial_zh
 */
import path from "node:path";
import { hashEmbed } from "@/lib/providers";
import { BM25_B, BM25_K1 } from "@/lib/rag/bm25";
import { fuseRankings, OFFLINE_VECTOR_WEIGHT } from "@/lib/rag/fusion";
import { documentSubject, indexedChunkText } from "@/lib/rag/chunk-context";
import { keywordTokens } from "@/lib/rag/keywords";
import { parseFile } from "@/lib/rag/parse";
import { splitDocument } from "@/lib/rag/split";
import { normalizeText } from "@/lib/rag/text-normalize";
import { defaultChunking } from "@/lib/rag/types";
import { groupIntoDocuments, passageAt, readEvalSet, relocatePassages } from "./corpus";
import { scoreQuery, summarize } from "./metrics";

interface Chunk {
  text: string;
  /** What the product indexes: the chunk with its document's subject (lib/rag/chunk-context.ts). */
  indexText: string;
  passageId: string | undefined;
  vector: Float32Array;
  /** Where the chunk sits, so the context joins neighbours as the retriever node does. */
  documentId: string;
  position: number;
  metadata: { start: number };
}

type Tokenizer = (text: string) => string[];

/** Plain BM25 over the chunks, for one tokenisation: returns a ranker (best chunk indexes first). */
function bm25Ranker(chunks: Chunk[], tokenize: Tokenizer): (query: string) => number[] {
  const tfs = chunks.map((c) => {
    const tf = new Map<string, number>();
    for (const t of tokenize(c.indexText)) tf.set(t, (tf.get(t) ?? 0) + 1);
    return tf;
  });
  const lengths = chunks.map((c) => tokenize(c.indexText).length);
  const average = lengths.reduce((s, l) => s + l, 0) / chunks.length;
  const postings = new Map<string, number[]>();
  tfs.forEach((tf, i) => {
    for (const t of tf.keys()) {
      const list = postings.get(t);
      if (list) list.push(i);
      else postings.set(t, [i]);
    }
  });
  return (query) => {
    const scores = new Map<number, number>();
    for (const term of new Set(tokenize(query))) {
      const list = postings.get(term);
      if (!list) continue;
      const idf = Math.log(1 + (chunks.length - list.length + 0.5) / (list.length + 0.5));
      for (const i of list) {
        const f = tfs[i].get(term) as number;
        const norm = 1 - BM25_B + (BM25_B * lengths[i]) / average;
        scores.set(i, (scores.get(i) ?? 0) + (idf * f * (BM25_K1 + 1)) / (f + BM25_K1 * norm));
      }
    }
    return [...scores].sort((a, b) => b[1] - a[1] || a[0] - b[0]).map(([i]) => i);
  };
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
  const set = await readEvalSet(dir);
  const originals = new Map(set.passages.map((p) => [p.id, p.text]));
  const chunks: Chunk[] = [];
  for (const doc of groupIntoDocuments(set.passages)) {
    const parsed = await parseFile(new TextEncoder().encode(doc.text), { filename: doc.name });
    const passages = relocatePassages(doc, parsed.text, (s) => normalizeText(s), originals);
    const subject = documentSubject(doc.name);
    for (const draft of splitDocument(parsed, defaultChunking)) {
      const indexText = indexedChunkText(draft, process.env.NO_SUBJECT ? "" : subject);
      chunks.push({
        text: draft.parentText ?? draft.text,
        indexText,
        passageId: passageAt(passages, draft.start),
        vector: Float32Array.from(hashEmbed(indexText)),
        documentId: doc.name,
        position: draft.index,
        metadata: { start: draft.start },
      });
    }
  }
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
