/**
 * Fits the built-in lexical reranker (lib/rag/lexical-rerank.ts) on retrieval eval sets and
 * reports how well it generalises, then (with --write) stores the weights fitted on all of them
 * in lib/rag/lexical-rerank-weights.ts.
 *
 * For every question: the best LEXICAL_RERANK_POOL chunks by BM25 over the chunks the product
 * stores (scripts/eval/chunks.ts), their feature rows (rerankFeatures, the code the server runs)
 * and which of them hold a gold answer. A linear model is fitted by a listwise softmax loss
 * (Adam, full batch, L2): the probability mass the model puts on answer-holding chunks.
 *
 * Reported per set, answer in top-1 chunk / in 1 500 characters of context:
 * - BM25 order;
 * - cross-validated: five folds by document (article title), every fold scored by weights
 *   fitted on the other four folds of all sets — no question is scored by weights that saw its
 *   article — all LEXICAL_RERANK_POOL candidates reordered, as the server does, then only the
 *   first five (as in session 5);
 * - fitted on the other sets only (how it carries to data of another kind).
 * @example npm run train:reranker -- /work/shared/eval/cmrc2018_trial_zh /work/shared/eval/drcd_test_zh_hant /work/shared/eval/squad11_train_subset_en --write
 */
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { keywordTokens } from "@/lib/text/keywords";
import { LEXICAL_FEATURES, LEXICAL_RERANK_POOL, rerankFeatures, scoreRow } from "@/lib/rag/lexical-rerank";
import { storedChunks, type StoredChunk } from "./eval/chunks";
import { memoryBm25 } from "./eval/memory-bm25";
import { scoreQuery } from "./eval/metrics";

interface Sample {
  set: number;
  /** The gold passage's document: folds never split one. */
  document: string;
  ranked: StoredChunk[];
  rows: number[][];
  positive: boolean[];
  gold: { answers: string[]; goldIds: string[] };
}

const FOLDS = 5;

async function samplesOf(dir: string, set: number): Promise<Sample[]> {
  const { queries, chunks } = await storedChunks(dir);
  const index = memoryBm25(
    chunks.map((c) => c.indexText),
    keywordTokens,
  );
  const passageDocument = new Map(chunks.map((c) => [c.passageId, c.documentId]));
  return queries.map((q) => {
    const hits = index.search(keywordTokens(q.question)).slice(0, LEXICAL_RERANK_POOL);
    const ranked = hits.map(([i]) => chunks[i]);
    const candidates = hits.map(([i, score]) => ({ text: chunks[i].chunkText, documentId: chunks[i].documentId, subject: chunks[i].subject, index: chunks[i].position, keywordScore: score }));
    const answers = q.answers.filter((a) => a.length > 0);
    return {
      set,
      document: passageDocument.get(q.goldIds[0]) ?? q.id,
      ranked,
      rows: rerankFeatures(q.question, candidates, (term) => index.idf(term)),
      positive: ranked.map((c) => answers.some((a) => c.text.includes(a))),
      gold: { answers: q.answers, goldIds: q.goldIds },
    };
  });
}

/**
 * Fits the weights: listwise softmax over each question's candidates, Adam, full batch. L2 1e-5
 * and 1 000 epochs: cross-validated CMRC 0.930 / 0.935 / 0.938 at L2 1e-3 × 300, 1e-4 × 1 000, 1e-5 × 1 000.
 */
function fit(samples: Sample[], epochs = 1000): number[] {
  const n = LEXICAL_FEATURES.length;
  const w = new Array<number>(n).fill(0);
  w[0] = 5; // start from BM25's order
  const m = new Array<number>(n).fill(0);
  const v = new Array<number>(n).fill(0);
  const usable = samples.filter((s) => s.positive.some(Boolean) && s.positive.some((p) => !p));
  for (let epoch = 1; epoch <= epochs; epoch++) {
    const g = new Array<number>(n).fill(0);
    for (const s of usable) {
      const z = s.rows.map((row) => scoreRow(row, w));
      const top = Math.max(...z);
      const e = z.map((x) => Math.exp(x - top));
      const all = e.reduce((a, b) => a + b, 0);
      const good = e.reduce((a, b, i) => a + (s.positive[i] ? b : 0), 0);
      s.rows.forEach((row, i) => {
        const d = e[i] / all - (s.positive[i] ? e[i] / good : 0);
        for (let k = 0; k < n; k++) g[k] += d * row[k];
      });
    }
    for (let k = 0; k < n; k++) {
      const gk = g[k] / usable.length + 1e-5 * w[k];
      m[k] = 0.9 * m[k] + 0.1 * gk;
      v[k] = 0.999 * v[k] + 0.001 * gk * gk;
      w[k] -= (0.05 * (m[k] / (1 - 0.9 ** epoch))) / (Math.sqrt(v[k] / (1 - 0.999 ** epoch)) + 1e-8);
    }
  }
  return w;
}

/** Answer in top-1 chunk and in 1 500 characters, with the first `reordered` candidates reordered by `weights` (null: BM25's order), as the server does. */
function measure(samples: Array<{ sample: Sample; weights: number[] | null }>, reordered = LEXICAL_RERANK_POOL): string {
  let top1 = 0;
  let context = 0;
  for (const { sample, weights } of samples) {
    const order = sample.ranked.map((_, i) => i);
    if (weights) {
      const z = sample.rows.map((row) => scoreRow(row, weights));
      const head = order.slice(0, reordered).sort((a, b) => z[b] - z[a] || a - b);
      order.splice(0, head.length, ...head);
    }
    const outcome = scoreQuery(
      order.map((i) => sample.ranked[i]).slice(0, 10),
      sample.gold,
      1500,
    );
    top1 += outcome.top1 ? 1 : 0;
    context += outcome.inContext ? 1 : 0;
  }
  return `${(top1 / samples.length).toFixed(3)} / ${(context / samples.length).toFixed(3)}`;
}

function foldOf(document: string): number {
  let h = 2166136261;
  for (let i = 0; i < document.length; i++) h = Math.imul(h ^ document.charCodeAt(i), 16777619);
  return (h >>> 0) % FOLDS;
}

const WEIGHTS_FILE = path.join(import.meta.dirname, "..", "lib", "rag", "lexical-rerank-weights.ts");

async function main(args: string[]): Promise<void> {
  const dirs = args.filter((a) => !a.startsWith("--"));
  if (dirs.length === 0) throw new Error("usage: npm run train:reranker -- <eval dir>… [--write]");
  const samples = (await Promise.all(dirs.map((dir, set) => samplesOf(dir, set)))).flat();
  const foldWeights = Array.from({ length: FOLDS }, (_, f) => fit(samples.filter((s) => foldOf(s.document) !== f)));
  for (const [set, dir] of dirs.entries()) {
    const mine = samples.filter((s) => s.set === set);
    const others = dirs.length > 1 ? fit(samples.filter((s) => s.set !== set)) : null;
    console.log(
      `${path.basename(dir)} (${mine.length} questions), answer in top-1 chunk / in 1 500 characters:\n` +
        `  BM25 order                      ${measure(mine.map((sample) => ({ sample, weights: null })))}\n` +
        `  reranked, cross-validated       ${measure(mine.map((sample) => ({ sample, weights: foldWeights[foldOf(sample.document)] })))}\n` +
        `  reranked, first 5 only (cv)     ${measure(mine.map((sample) => ({ sample, weights: foldWeights[foldOf(sample.document)] })), 5)}\n` +
        (others ? `  reranked, fitted on other sets  ${measure(mine.map((sample) => ({ sample, weights: others })))}\n` : ""),
    );
  }
  const weights = fit(samples);
  console.log(LEXICAL_FEATURES.map((f, k) => `${f} ${weights[k].toFixed(3)}`).join("\n"));
  if (args.includes("--write")) {
    const lines = LEXICAL_FEATURES.map((f, k) => `  ${weights[k].toFixed(4)}, // ${f}`).join("\n");
    await writeFile(
      WEIGHTS_FILE,
      `/**\n * Weights of the built-in lexical reranker, one per LEXICAL_FEATURES entry (lib/rag/lexical-rerank.ts).\n` +
        ` * Written by \`npm run train:reranker -- ${dirs.map((d) => path.basename(d)).join(" ")} --write\` (scripts/train-reranker.ts).\n */\n` +
        `export const LEXICAL_RERANK_WEIGHTS: readonly number[] = [\n${lines}\n];\n`,
    );
    console.log(`wrote ${path.relative(process.cwd(), WEIGHTS_FILE)}`);
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
