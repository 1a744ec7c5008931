import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { parseFile } from "@/lib/rag/parse";
import { chunkingSettingsSchema, splitDocument, splitText } from "@/lib/rag/split";
import { defaultChunking, type ChunkingSettings } from "@/lib/db/schema";
import { type ChunkDraft } from "@/lib/rag/types";

const FIXTURES = "/work/shared/fixtures/docs";
const parseFixture = (rel: string) => parseFile(new Uint8Array(fs.readFileSync(`${FIXTURES}/${rel}`)), { filename: rel });
const BAD_START = /^[。，！？；、」』）：,.!?;:)]/;
const SENTENCE_END = /[。！？；：…”」』）.!?"]$/;

function expectWellFormed(text: string, chunks: ChunkDraft[], settings: ChunkingSettings) {
  expect(chunks.map((c) => c.index)).toEqual(chunks.map((_, i) => i));
  for (const chunk of chunks) {
    expect(text.slice(chunk.start, chunk.start + chunk.text.length)).toBe(chunk.text);
    expect(chunk.text).toBe(chunk.text.trim());
    expect(chunk.text.length).toBeGreaterThan(0);
    expect(chunk.text.length).toBeLessThanOrEqual(settings.chunkSize);
    expect(chunk.text).not.toMatch(BAD_START);
  }
}

describe("splitText on Chinese", () => {
  it("cuts the private-economy law at sentence ends, never before 。，", async () => {
    const doc = await parseFixture("zh/private-economy-promotion-law.txt");
    const chunks = splitDocument(doc, defaultChunking);
    expectWellFormed(doc.text, chunks, defaultChunking);
    expect(chunks.length).toBeGreaterThan(doc.text.length / defaultChunking.chunkSize);
    // Every chunk ends at a sentence end or where the text itself breaks (a heading line).
    for (const chunk of chunks.slice(0, -1)) {
      const after = doc.text.slice(chunk.start + chunk.text.length, chunk.start + chunk.text.length + 1);
      if (!SENTENCE_END.test(chunk.text)) expect(after).toBe("\n");
    }
    expect(chunks.filter((c) => SENTENCE_END.test(c.text)).length / chunks.length).toBeGreaterThan(0.9);
  });

  it("cuts the statistics law (Markdown) at sentence ends and carries headings", async () => {
    const doc = await parseFixture("zh/statistics-law-2024-09-13.md");
    const settings = { ...defaultChunking, chunkSize: 120, chunkOverlap: 20 };
    const chunks = splitDocument(doc, settings);
    expectWellFormed(doc.text, chunks, settings);
    expect(chunks.some((c) => c.heading === "第二章 统计调查管理")).toBe(true);
    const first = chunks.find((c) => c.text.includes("第二条"));
    expect(first?.heading).toBe("第一章 总 则");
  });

  it("splits a long run without any punctuation by characters, keeping closing marks attached", () => {
    const text = "甲".repeat(130) + "」。乙" + "丙".repeat(200);
    const settings = { ...defaultChunking, chunkSize: 131, chunkOverlap: 0 };
    const chunks = splitText(text, settings);
    expectWellFormed(text, chunks, settings);
    expect(chunks.map((c) => c.text).join("")).toBe(text);
  });

  it("keeps the sentence-ending mark and closing quote with their sentence", () => {
    const sentence = "他说：「数据要真实。」";
    const text = Array.from({ length: 30 }, (_, i) => `第${i}句${sentence}`).join("");
    const chunks = splitText(text, { ...defaultChunking, chunkSize: 60, chunkOverlap: 0 });
    for (const chunk of chunks.slice(0, -1)) expect(chunk.text).toMatch(/。」$|：$/);
  });
});

describe("splitText on English and mixed text", () => {
  it("cuts English at sentence ends, then between words", async () => {
    const doc = await parseFixture("en/cc-by-4.0-legalcode.txt");
    const chunks = splitDocument(doc, defaultChunking);
    expectWellFormed(doc.text, chunks, defaultChunking);
    for (const chunk of chunks) expect(chunk.text).toMatch(/^\S/);
    const wordCut = chunks.filter((c, i) => i < chunks.length - 1 && /[a-z]$/.test(c.text) && /^[a-z]/.test(doc.text[c.start + c.text.length] ?? ""));
    expect(wordCut).toHaveLength(0);
  });

  it("handles mixed Chinese and English", () => {
    const text = Array.from({ length: 40 }, (_, i) => `第${i}步：用 LangChain.js 调用 Ollama 的 qwen2.5 模型. Then check the answer, 并记录结果。`).join("");
    const settings = { ...defaultChunking, chunkSize: 100, chunkOverlap: 30 };
    const chunks = splitText(text, settings);
    expectWellFormed(text, chunks, settings);
    // 。 and the full-width ： both end a Chinese sentence; no chunk ends inside "LangChain.js" or "qwen2.5".
    for (const chunk of chunks.slice(0, -1)) expect(chunk.text).toMatch(/[。：]$/);
  });
});

describe("overlap", () => {
  it("shares up to chunkOverlap characters, starting at a whole sentence when one is there", () => {
    const text = Array.from({ length: 60 }, (_, i) => `这是第${i}个句子。`).join("");
    const settings = { ...defaultChunking, chunkSize: 100, chunkOverlap: 30 };
    const chunks = splitText(text, settings);
    expectWellFormed(text, chunks, settings);
    for (let i = 1; i < chunks.length; i++) {
      const prevEnd = chunks[i - 1].start + chunks[i - 1].text.length;
      const shared = prevEnd - chunks[i].start;
      expect(shared).toBeGreaterThan(0);
      expect(shared).toBeLessThanOrEqual(30);
      expect(chunks[i].text).toMatch(/^这是第\d+个句子/);
    }
  });

  it("starts a chunk at a paragraph break without carrying the previous paragraph over", () => {
    const paragraph = (n: number) => Array.from({ length: 6 }, (_, i) => `第${n}段第${i}句话。`).join("");
    const text = [paragraph(1), paragraph(2), paragraph(3)].join("\n\n");
    const settings = { ...defaultChunking, chunkSize: paragraph(1).length + 5, chunkOverlap: 20 };
    const chunks = splitText(text, settings);
    expectWellFormed(text, chunks, settings);
    expect(chunks.map((c) => c.text)).toEqual([paragraph(1), paragraph(2), paragraph(3)]);
    // Inside a paragraph the overlap stays.
    const long = splitText(paragraph(1) + paragraph(2), { ...defaultChunking, chunkSize: 60, chunkOverlap: 20 });
    expect(long[1].start).toBeLessThan(long[0].start + long[0].text.length);
  });

  it("without overlap, chunks tile the text", () => {
    const text = "第一句。第二句！第三句？".repeat(50);
    const chunks = splitText(text, { ...defaultChunking, chunkSize: 50, chunkOverlap: 0 });
    expect(chunks.map((c) => c.text).join("")).toBe(text);
  });
});

describe("parent-child mode", () => {
  it("splits parents by paragraph, then children inside each parent, with dense global indexes", async () => {
    const doc = await parseFixture("zh/private-economy-promotion-law.txt");
    const settings: ChunkingSettings = { mode: "parent-child", chunkSize: 100, chunkOverlap: 10, parentSize: 500 };
    const chunks = splitDocument(doc, settings);
    expectWellFormed(doc.text, chunks, settings);
    const parents = new Set(chunks.map((c) => c.parentText));
    expect(parents.size).toBeGreaterThan(1);
    expect(parents.size).toBeLessThan(chunks.length);
    for (const chunk of chunks) {
      expect(chunk.parentText!.length).toBeLessThanOrEqual(500);
      expect(chunk.parentText).toContain(chunk.text);
      const parentStart = doc.text.lastIndexOf(chunk.parentText!, chunk.start);
      expect(parentStart).toBeGreaterThanOrEqual(0);
      expect(chunk.start + chunk.text.length).toBeLessThanOrEqual(parentStart + chunk.parentText!.length);
    }
  });
});

describe("pages", () => {
  it("gives each chunk the page where it starts", async () => {
    const doc = await parseFixture("zh/private-economy-promotion-law.pdf");
    const chunks = splitDocument(doc, defaultChunking);
    expectWellFormed(doc.text, chunks, defaultChunking);
    for (const chunk of chunks) {
      const section = [...doc.sections].reverse().find((s) => s.start <= chunk.start)!;
      expect(chunk.page).toBe(section.page);
    }
    const pages = chunks.map((c) => c.page!);
    expect(pages).toEqual([...pages].sort((a, b) => a - b));
    expect(new Set(pages).size).toBeGreaterThanOrEqual(19);
  });
});

describe("settings validation", () => {
  it("applies defaults", () => {
    expect(chunkingSettingsSchema.parse({})).toEqual(defaultChunking);
  });

  it.each([
    { chunkSize: 49 },
    { chunkSize: 4001 },
    { chunkSize: 300.5 },
    { chunkOverlap: -1 },
    { chunkSize: 100, chunkOverlap: 50 },
    { mode: "parent-child", chunkSize: 1200, parentSize: 1200 },
    { mode: "sentences" },
  ])("rejects %o", (bad) => {
    expect(chunkingSettingsSchema.safeParse({ ...defaultChunking, ...bad }).success).toBe(false);
    expect(() => splitText("文本。", { ...defaultChunking, ...bad } as ChunkingSettings)).toThrow(/chunking|分段/i);
  });

  it("labels every field in both languages for the generated form", () => {
    for (const field of Object.values(chunkingSettingsSchema.shape)) {
      const label = (field.meta() as { label?: { en?: string; zh?: string } } | undefined)?.label;
      expect(label?.en).toBeTruthy();
      expect(label?.zh).toMatch(/[\u4e00-\u9fff]/);
    }
  });
});
