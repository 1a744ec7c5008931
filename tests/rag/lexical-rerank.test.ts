import { describe, expect, it } from "vitest";
import { bm25Idf } from "@/lib/rag/bm25";
import { keywordTokens } from "@/lib/rag/keywords";
import { LEXICAL_FEATURES, LEXICAL_RERANK_REORDERED, lexicalRerankOrder, rerankFeatures, type LexicalCandidate } from "@/lib/rag/lexical-rerank";
import { LEXICAL_RERANK_WEIGHTS } from "@/lib/rag/lexical-rerank-weights";

/** IDF as a knowledge base of these candidates plus `others` unrelated chunks would give it. */
function idfOver(candidates: LexicalCandidate[], others = 200) {
  const df = new Map<string, number>();
  for (const c of candidates) for (const t of new Set(keywordTokens(`${c.subject}\n${c.text}`))) df.set(t, (df.get(t) ?? 0) + 1);
  return (term: string) => (df.has(term) ? bm25Idf(candidates.length + others, df.get(term) as number) : 0);
}

const chunk = (text: string, keywordScore: number, index: number, subject = "Frédéric Chopin"): LexicalCandidate => ({
  text,
  keywordScore,
  index,
  subject,
  documentId: subject,
});

/** Weights that keep search's order: what the questions below get without the reranker. */
const SEARCH_ORDER = LEXICAL_FEATURES.map((f) => (f === "score_vs_best" ? 1 : 0));

describe("built-in lexical reranker", () => {
  it("puts first the chunk whose sentence holds the question's words and a year, over one that only repeats them", () => {
    const candidates = [
      chunk("Warsaw and Vienna were the cities of his youth. Chopin loved Warsaw, Chopin loved Vienna, and he returned to Warsaw and to Vienna in his letters.", 1, 7),
      chunk("On 2 November 1830 Chopin left Warsaw for Vienna, with no clearly defined aim, and he never came back.", 0.8, 3),
      chunk("Chopin's father was a Frenchman who taught in Warsaw.", 0.4, 0),
    ];
    const question = "When did Chopin leave Warsaw for Vienna?";
    expect(lexicalRerankOrder(question, candidates, idfOver(candidates), SEARCH_ORDER)[0]).toBe(0);
    expect(lexicalRerankOrder(question, candidates, idfOver(candidates))[0]).toBe(1);
  });

  it("answers a Chinese 多少 question with the chunk that gives the number", () => {
    const durian = (text: string, score: number, index: number) => chunk(text, score, index, "榴莲");
    const candidates = [
      durian("榴莲树是热带常绿乔木。榴莲树在东南亚广泛种植，榴莲树喜欢高温高湿，榴莲树的果实很大。", 1, 0),
      durian("成年的榴莲树可以长到二十五至五十米高，树干笔直。", 0.7, 2),
      durian("榴莲的果肉呈淡黄色，气味浓烈。", 0.3, 1),
    ];
    expect(lexicalRerankOrder("榴莲树能长到多少米高？", candidates, idfOver(candidates), SEARCH_ORDER)[0]).toBe(0);
    expect(lexicalRerankOrder("榴莲树能长到多少米高？", candidates, idfOver(candidates))[0]).toBe(1);
  });

  it("reorders only the first five and leaves the rest in search's order", () => {
    const filler = (i: number) => chunk(`Chopin gave a concert in Paris, number ${i}.`, 1 - i * 0.05, 10 + i);
    const candidates = [...Array.from({ length: 7 }, (_, i) => filler(i)), chunk("On 2 November 1830 Chopin left Warsaw for Vienna.", 0.5, 3)];
    const order = lexicalRerankOrder("When did Chopin leave Warsaw for Vienna?", candidates, idfOver(candidates));
    expect(order.slice(LEXICAL_RERANK_REORDERED)).toEqual([5, 6, 7]);
    expect([...order].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it("keeps short lists whole and scores chunks keyword search did not match", () => {
    expect(lexicalRerankOrder("anything", [], () => 1)).toEqual([]);
    const candidates = [chunk("Chopin left Warsaw.", 0.9, 1), chunk("A vector-only neighbour.", 0, 2)];
    expect(lexicalRerankOrder("Did Chopin leave Warsaw?", candidates, idfOver(candidates))).toEqual([0, 1]);
    const rows = rerankFeatures("Did Chopin leave Warsaw?", candidates, idfOver(candidates));
    expect(rows.every((row) => row.length === LEXICAL_FEATURES.length && row.every(Number.isFinite))).toBe(true);
  });

  it("has one fitted weight per feature", () => {
    expect(LEXICAL_RERANK_WEIGHTS).toHaveLength(LEXICAL_FEATURES.length);
    // Fitted from BM25's order: its own score stays the strongest single signal.
    const strongest = LEXICAL_RERANK_WEIGHTS.indexOf(Math.max(...LEXICAL_RERANK_WEIGHTS));
    expect(LEXICAL_FEATURES[strongest]).toBe("score_vs_best");
  });
});
