import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OFFLINE_EMBEDDER_MODEL } from "@/lib/providers";
import type { FileStore } from "@/lib/storage/files";
import { groupIntoDocuments, parseEvalSet, passageAt, type EvalQuery, type Passage } from "@/scripts/eval/corpus";
import { contextExcerpts } from "@/lib/text/excerpts";
import { percentile, scoreQuery, summarize } from "@/scripts/eval/metrics";
import { runEvaluation } from "@/scripts/eval/run";
import { memoryBm25 } from "@/scripts/eval/memory-bm25";
import { bm25Score } from "@/lib/text/bm25";
import { forEachDatabase } from "../support/db";
import { countingEmbedder, tempFileStore } from "../jobs/kb-fixtures";

describe("retrieval evaluation arithmetic", () => {
  it("scores in-memory BM25 on the scale keyword search returns (over the ideal score)", () => {
    const texts = ["a a b", "b c", "c d e", "e"];
    const index = memoryBm25(texts, (t) => t.split(" "));
    const hits = index.search(["a", "c", "z"]);
    expect(hits.map(([i]) => i)).toEqual([0, 1, 2]);
    const stats = { chunks: 4, averageLength: 9 / 4 };
    // df of a = 1, c = 2; "z" is in no chunk and counts for nothing.
    expect(hits[0][1]).toBeCloseTo(bm25Score(stats, [1, 2], [{ k: 0, tf: 2 }], 3), 12);
    expect(hits[2][1]).toBeCloseTo(bm25Score(stats, [1, 2], [{ k: 1, tf: 1 }], 3), 12);
    expect(index.idf("z")).toBe(0);
  });

  it("joins passages of one title with blank lines and remembers where each starts", () => {
    const docs = groupIntoDocuments([
      { id: "a#0", title: "A", text: "first" },
      { id: "b#0", title: "B", text: "other" },
      { id: "a#1", title: "A", text: "second" },
    ]);
    expect(docs.map((d) => d.name)).toEqual(["A.txt", "B.txt"]);
    expect(docs[0].text).toBe("first\n\nsecond");
    expect(docs[0].passages).toEqual([{ id: "a#0", start: 0 }, { id: "a#1", start: 7 }]);
    expect(passageAt(docs[0].passages, 6)).toBe("a#0");
    expect(passageAt(docs[0].passages, 7)).toBe("a#1");
  });

  it("fills the context budget in rank order and scores answers, recall@5 and MRR@10", () => {
    const chunk = (text: string, passageId: string) => ({ text, passageId });
    const ranked = [chunk("x".repeat(300), "p1"), chunk("y".repeat(300), "p2"), chunk("答案在这里" + "z".repeat(295), "gold")];
    expect(contextExcerpts(ranked, 600)).toHaveLength(2);
    expect(contextExcerpts(ranked, 10)).toHaveLength(1); // the first chunk always
    const outcome = scoreQuery(ranked, { answers: ["答案"], goldIds: ["gold"] }, 900);
    expect(outcome).toEqual({ top1: false, inContext: true, recall5: true, reciprocalRank: 1 / 3 });
    expect(scoreQuery(ranked, { answers: ["答案"], goldIds: ["gold"] }, 600).inContext).toBe(false);
    // Neighbouring chunks count as the context joins them: an answer cut between them is found,
    // and their shared overlap is paid for once.
    const cut = (position: number, start: number, text: string) => ({ text, passageId: "gold", documentId: "d", position, metadata: { start } });
    const split = [cut(0, 0, "第一句。答案的前半"), cut(1, 4, "答案的前半和后半。")];
    expect(scoreQuery(split, { answers: ["答案的前半和后半"], goldIds: ["gold"] }, 14)).toMatchObject({ top1: false, inContext: true });
    const far = [...Array.from({ length: 5 }, (_, i) => chunk("n", `p${i}`)), chunk("n", "gold")];
    expect(scoreQuery(far, { answers: ["missing"], goldIds: ["gold"] }, 1500)).toMatchObject({ recall5: false, reciprocalRank: 1 / 6 });

    const summary = summarize({
      documents: 2,
      chunks: 10,
      ingestSeconds: 4,
      outcomes: [outcome, { top1: true, inContext: true, recall5: false, reciprocalRank: 0 }],
      queryMs: [1, 2, 3, 4],
    });
    expect(summary).toEqual({
      documents: 2, chunks: 10, queries: 2, answer_in_top1_chunk: 0.5, answer_in_context: 1, recall_at_5: 0.5, mrr_at_10: 0.167,
      ingest_seconds: 4, chunks_per_second: 3, query_ms_p50: 2, query_ms_p95: 4,
    });
    expect(percentile([5, 1, 3], 0.5)).toBe(3);
  });

  it("rejects malformed evaluation files with the line that is wrong", () => {
    expect(() => parseEvalSet('{"id":"a","text":"t"}\nnot json', '{"question":"q","answers":[],"gold_ids":[]}')).toThrow(/corpus.jsonl, line 2/);
    expect(() => parseEvalSet('{"id":"a","text":"t"}', '{"question":"q","answers":"x","gold_ids":[]}')).toThrow(/queries.jsonl, line 1/);
  });
});

/** A tiny two-language corpus: articles of several passages, questions written on one of them. */
function tinySet(): { passages: Passage[]; queries: EvalQuery[] } {
  const zh = [
    "大熊猫主要生活在四川、陕西和甘肃的山区竹林中，以竹子为主要食物，每天要花十几个小时进食。",
    "大熊猫的繁殖能力较低，雌性每年只有一次发情期，幼崽出生时体重只有一百克左右。",
    "长城是中国古代的军事防御工程，东起山海关，西至嘉峪关，全长六千多公里。",
    "明朝修建的长城大多用砖石砌成，八达岭长城是保存最完好的一段，每年吸引大量游客。",
  ];
  const en = [
    "The Eiffel Tower was completed in 1889 as the entrance arch to the World's Fair in Paris, designed by Gustave Eiffel's company.",
    "Photosynthesis converts light energy into chemical energy; chlorophyll in the chloroplasts absorbs mostly blue and red light.",
    "The tower is repainted every seven years, which takes about sixty tonnes of paint to protect the iron from rust.",
  ];
  const passages: Passage[] = [
    { id: "panda#0", title: "大熊猫", text: zh[0] },
    { id: "panda#1", title: "大熊猫", text: zh[1] },
    { id: "wall#0", title: "长城", text: zh[2] },
    { id: "wall#1", title: "长城", text: zh[3] },
    { id: "eiffel#0", title: "Eiffel Tower", text: en[0] },
    { id: "photo#0", title: "Photosynthesis", text: en[1] },
    { id: "eiffel#1", title: "Eiffel Tower", text: en[2] },
  ];
  const q = (id: string, question: string, answers: string[], gold: string): EvalQuery => ({ id, question, answers, goldIds: [gold] });
  return {
    passages,
    queries: [
      q("1", "大熊猫幼崽出生时体重大约多少？", ["一百克"], "panda#1"),
      q("2", "长城东起哪里？", ["山海关"], "wall#0"),
      q("3", "哪一段明长城保存最完好？", ["八达岭长城"], "wall#1"),
      q("4", "When was the Eiffel Tower completed?", ["1889"], "eiffel#0"),
      q("5", "How often is the tower repainted?", ["every seven years"], "eiffel#1"),
      q("6", "Which pigment absorbs blue and red light in chloroplasts?", ["an answer that appears nowhere"], "photo#0"),
    ],
  };
}

forEachDatabase("retrieval evaluation (command core)", (t) => {
  let files: FileStore;
  let dispose: () => Promise<void>;
  beforeAll(async () => ({ files, dispose } = await tempFileStore()));
  afterAll(() => dispose());

  it("ingests through the product pipeline, scores every question and removes its knowledge base", async () => {
    const embedder = countingEmbedder();
    const summary = await runEvaluation(
      { db: t.db, files, embedderFor: () => embedder, embedding: { provider: "offline", model: OFFLINE_EMBEDDER_MODEL } },
      tinySet(),
      { budget: 1500 },
    );
    expect(summary).toMatchObject({ documents: 4, queries: 6 });
    expect(embedder.texts).toBe(summary.chunks + 6); // every chunk once, every question once
    // Five answers are findable and found first; the sixth's answer exists nowhere.
    expect(summary.answer_in_top1_chunk).toBeCloseTo(5 / 6, 3);
    expect(summary.answer_in_context).toBeCloseTo(5 / 6, 3);
    // Each article fits in one 300-character chunk, which belongs to the passage where it
    // starts (#0): questions written on a #1 passage (panda#1, wall#1, eiffel#1) miss by that rule.
    expect(summary.chunks).toBe(4);
    expect(summary.recall_at_5).toBe(0.5);
    expect(summary.mrr_at_10).toBe(0.5);
    expect(summary.query_ms_p95).toBeGreaterThanOrEqual(summary.query_ms_p50);
    const left = await t.query<{ n: number }>("select count(*)::int as n from knowledge_bases where name like 'eval-retrieval-%'");
    expect(left[0].n).toBe(0);
  }, 120_000);
});
