import { describe, expect, it } from "vitest";
import { contextExcerpts, type ExcerptSource } from "@/lib/text/excerpts";
import { contextText } from "@/nodes/retriever";

// A document cut into three chunks of a 300/50-style split: each shares its first characters
// with the end of the one before.
const doc = "第一句讲年假。第二句讲病假。第三句讲加班费如何计算。第四句讲调休。第五句讲离职手续。";
const chunk = (position: number, start: number, end: number, documentId = "d1"): ExcerptSource & { id: string; documentName: string } => ({
  id: `${documentId}-${position}`,
  documentId,
  documentName: documentId === "d1" ? "员工手册.pdf" : "其他.pdf",
  position,
  text: doc.slice(start, end),
  metadata: { start, chunkText: doc.slice(start, end) },
});
const c0 = chunk(0, 0, 14); // 第一句…第二句讲病假。
const c1 = chunk(1, 7, 26); // 第二句…加班费如何计算。 (overlaps c0 by 7)
const c2 = chunk(2, 26, 42); // 第四句…离职手续。 (touches c1)

describe("contextExcerpts", () => {
  it("joins neighbouring chunks of one document into the document's own text, the overlap once", () => {
    const excerpts = contextExcerpts([c1, c0]);
    expect(excerpts).toEqual([{ members: [0, 1], text: doc.slice(0, 26) }]);
    // An answer cut between two chunks reads whole in the excerpt.
    expect(c0.text.includes("年假。第二句讲病假。第三句") || c1.text.includes("年假。第二句讲病假。第三句")).toBe(false);
    expect(excerpts[0].text).toContain("年假。第二句讲病假。第三句");
    expect(contextExcerpts([c2, c0, c1])).toEqual([{ members: [0, 1, 2], text: doc }]);
  });

  it("keeps chunks apart that are not neighbours, or come from another document", () => {
    const other = chunk(1, 7, 26, "d2");
    expect(contextExcerpts([c0, c2]).map((e) => e.members)).toEqual([[0], [1]]);
    expect(contextExcerpts([c0, other]).map((e) => e.members)).toEqual([[0], [1]]);
  });

  it("gives a parent passage once when two of its children were retrieved, and never joins parents by offsets", () => {
    const parent = "父段落：第一句讲年假。第二句讲病假。";
    const child = (position: number, start: number): ExcerptSource => ({ documentId: "d1", position, text: parent, metadata: { start, chunkText: "子段" } });
    expect(contextExcerpts([child(0, 0), child(1, 5)])).toEqual([{ members: [0, 1], text: parent }]);
    expect(contextExcerpts([child(0, 0), { ...child(1, 30), text: "另一个父段落。" }]).map((e) => e.members)).toEqual([[0], [1]]);
  });

  it("stops before the budget is exceeded but always keeps the first excerpt", () => {
    expect(contextExcerpts([c0, c2], 20).map((e) => e.members)).toEqual([[0]]);
    // Joining a neighbour costs only the new characters.
    expect(contextExcerpts([c0, c1], 26).map((e) => e.members)).toEqual([[0, 1]]);
    expect(contextExcerpts([c2], 5)).toHaveLength(1);
  });

  it("leaves chunks without a known place as they are", () => {
    expect(contextExcerpts([{ text: "甲" }, { text: "甲" }])).toEqual([{ members: [0], text: "甲" }, { members: [1], text: "甲" }]);
  });
});

describe("retriever context text", () => {
  it("numbers a joined excerpt by all its chunks, so citations still point into the retrieved list", () => {
    const other = { ...chunk(5, 0, 7, "d2"), text: "其他文件。" };
    expect(contextText([c1, other, c0])).toBe(`[1][3] (员工手册.pdf) ${doc.slice(0, 26)}\n\n[2] (其他.pdf) 其他文件。`);
  });
});
