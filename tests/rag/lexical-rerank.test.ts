import { describe, expect, it } from "vitest";
import { bm25Idf } from "@/lib/text/bm25";
import { keywordTokens } from "@/lib/text/keywords";
import { LEXICAL_FEATURES, LEXICAL_RERANK_POOL, lexicalRerankOrder, rerankFeatures, type LexicalCandidate } from "@/lib/rag/lexical-rerank";
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

/** The candidate put first for `question`, by the fitted weights or by `weights`. */
const firstFor = (question: string, candidates: LexicalCandidate[], weights?: readonly number[]) =>
  lexicalRerankOrder(question, candidates, idfOver(candidates), weights)[0];

describe("built-in lexical reranker", () => {
  it("puts first the chunk whose sentence holds the question's words and a year, over one that only repeats them", () => {
    const candidates = [
      chunk("Warsaw and Vienna were the cities of his youth. Chopin loved Warsaw, Chopin loved Vienna, and he returned to Warsaw and to Vienna in his letters.", 1, 7),
      chunk("On 2 November 1830 Chopin left Warsaw for Vienna, with no clearly defined aim, and he never came back.", 0.8, 3),
      chunk("Chopin's father was a Frenchman who taught in Warsaw.", 0.4, 0),
    ];
    const question = "When did Chopin leave Warsaw for Vienna?";
    expect(firstFor(question, candidates, SEARCH_ORDER)).toBe(0);
    expect(firstFor(question, candidates)).toBe(1);
  });

  it("answers a Chinese 多少 question with the chunk that gives the number", () => {
    const durian = (text: string, score: number, index: number) => chunk(text, score, index, "榴莲");
    const candidates = [
      durian("榴莲树是热带常绿乔木。榴莲树在东南亚广泛种植，榴莲树喜欢高温高湿，榴莲树的果实很大。", 1, 0),
      durian("成年的榴莲树可以长到二十五至五十米高，树干笔直。", 0.7, 2),
      durian("榴莲的果肉呈淡黄色，气味浓烈。", 0.3, 1),
    ];
    expect(firstFor("榴莲树能长到多少米高？", candidates, SEARCH_ORDER)).toBe(0);
    expect(firstFor("榴莲树能长到多少米高？", candidates)).toBe(1);
  });

  it("asks for the word a Chinese question is about, not the name it repeats", () => {
    // The article's opening chunk repeats the plant's name (five bigrams' worth of IDF); the next
    // one says "主治", the one word of the question beyond the name.
    const plant = (text: string, score: number, index: number) => chunk(text, score, index, "短叶水蜈蚣");
    const candidates = [
      plant("短叶水蜈蚣，别名无头土香、金钮草，是莎草科水蜈蚣属的植物。短叶水蜈蚣为多年生草本，短叶水蜈蚣的根状茎匍匐。", 1, 0),
      plant("全草入药，性平味辛。功能发汗退热、消肿解毒，主治感冒发热、疟疾、痢疾、皮肤瘙痒等症。", 0.85, 1),
      plant("分布在美洲、印度尼西亚、菲律宾以及中国大陆的四川、贵州等地。", 0.5, 2),
    ];
    const question = "短叶水蜈蚣主治哪些问题？";
    expect(firstFor(question, candidates, SEARCH_ORDER)).toBe(0);
    expect(firstFor(question, candidates)).toBe(1);
  });

  it("prefers the document the question names over one whose name only contains it", () => {
    const candidates = [
      chunk("软枝黄蝉，别称黄莺、小黄蝉、重瓣黄蝉，为夹竹桃科黄蝉属植物，原生于巴西。", 1, 0, "软枝黄蝉"),
      chunk("黄蝉，别称为硬枝黄蝉、小花黄蝉、丛立黄蝉，为夹竹桃科黄蝉属植物，原生于巴西。", 0.95, 0, "黄蝉"),
    ];
    const question = "黄蝉的别称叫什么？";
    expect(firstFor(question, candidates, SEARCH_ORDER)).toBe(0);
    expect(firstFor(question, candidates)).toBe(1);
  });

  it("lifts an answer from anywhere in the best twenty and leaves the rest in search's order", () => {
    const filler = (i: number) => chunk(`Chopin gave a concert in Paris, number ${i}.`, 1 - i * 0.04, 10 + i);
    const answer = chunk("On 2 November 1830 Chopin left Warsaw for Vienna.", 0.2, 3);
    const candidates = [...Array.from({ length: 18 }, (_, i) => filler(i)), answer, filler(18), filler(19), filler(20)];
    const question = "When did Chopin leave Warsaw for Vienna?";
    const order = lexicalRerankOrder(question, candidates, idfOver(candidates));
    expect(order[0]).toBe(18);
    expect(order.slice(LEXICAL_RERANK_POOL)).toEqual([20, 21]);
    expect([...order].sort((a, b) => a - b)).toEqual(candidates.map((_, i) => i));
    expect(firstFor(question, candidates, SEARCH_ORDER)).toBe(0);
  });

  it("sees a span of time where a question asks how long (多久), not a year", () => {
    const at = LEXICAL_FEATURES.indexOf("duration_question_x_sentence_duration");
    const ipod = [chunk("The fifth generation iPod was released in 2005.", 1, 1, "IPod"), chunk("The fifth generation iPod plays music for up to 14 hours.", 0.9, 2, "IPod")];
    const rows = rerankFeatures("How long does the fifth generation iPod play music?", ipod, idfOver(ipod));
    expect(rows.map((row) => row[at])).toEqual([0, 1]);
    expect(rerankFeatures("When was the fifth generation iPod released?", ipod, idfOver(ipod)).map((row) => row[at])).toEqual([0, 0]);
    const war = [chunk("战争于1937年爆发。", 1, 1, "抗日战争"), chunk("这场战争持续了八年。", 0.9, 2, "抗日战争")];
    expect(rerankFeatures("这场战争持续了多久？", war, idfOver(war)).map((row) => row[at])).toEqual([0, 1]);
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
