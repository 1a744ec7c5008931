import { describe, expect, it } from "vitest";
import type { RetrieveRequest } from "@/nodes/context";
import type { DocumentChunk } from "@/nodes/ports";
import { deriveFields } from "@/lib/canvas/schema-form";
import { contextText, retriever } from "@/nodes/retriever";
import { fakeCtx } from "./fake-ctx";

const chunks: DocumentChunk[] = [
  { id: "c1", text: "员工每年享有十五天带薪年假。", documentName: "员工手册.pdf", score: 0.9 },
  { id: "c2", text: "Refunds are paid within 14 days.", documentName: "policy.md", score: 0.5 },
  { id: "c3", text: "食堂中午十二点开饭。", documentName: "员工手册.pdf", score: 0.2 },
];

describe("retriever node", () => {
  it("has working defaults and rejects bad settings", () => {
    expect(retriever.config.parse({})).toEqual({
      knowledgeBaseIds: [],
      topK: 5,
      scoreThreshold: 0,
      mode: "hybrid",
      tags: [],
      rerank: false,
      rerankProvider: "default",
      rerankModel: "",
      rerankTopN: 20,
    });
  });

  it.each([
    { topK: 0 },
    { topK: 51 },
    { scoreThreshold: 1.5 },
    { mode: "semantic" },
    { knowledgeBaseIds: [""] },
    { tags: ["  "] },
    { tags: ["标".repeat(41)] },
    { tags: Array.from({ length: 21 }, (_, i) => `t${i}`) },
    { tags: "合同" },
    { rerank: "yes" },
    { rerankTopN: 0 },
    { rerankTopN: 101 },
  ])("rejects %o", (bad) => {
    expect(() => retriever.config.parse({ knowledgeBaseIds: ["kb1"], ...bad })).toThrow();
  });

  it("asks ctx.retrieve with its settings and hands on passages and a numbered context with sources", async () => {
    const calls: RetrieveRequest[] = [];
    const ctx = fakeCtx({ retrieve: async (req) => (calls.push(req), chunks.slice(0, req.topK)) });
    const config = retriever.config.parse({ knowledgeBaseIds: ["kb1", "kb2"], topK: 2, scoreThreshold: 0.3, mode: "keyword" });
    const out = await retriever.run({ config, inputs: { query: " 年假有几天？ " }, ctx });
    expect(calls).toEqual([expect.objectContaining({ knowledgeBaseIds: ["kb1", "kb2"], query: "年假有几天？", topK: 2, scoreThreshold: 0.3, mode: "keyword" })]);
    expect(out.documents).toEqual(chunks.slice(0, 2));
    expect(out.context).toBe("[1] (员工手册.pdf) 员工每年享有十五天带薪年假。\n\n[2] (policy.md) Refunds are paid within 14 days.");
  });

  it("narrows the search to documents carrying the tags (trimmed), and leaves it unfiltered without tags", async () => {
    const calls: RetrieveRequest[] = [];
    const ctx = fakeCtx({ retrieve: async (req) => (calls.push(req), chunks) });
    await retriever.run({ config: retriever.config.parse({ knowledgeBaseIds: ["kb1"], tags: [" 人事 ", "2024"] }), inputs: { query: "年假" }, ctx });
    await retriever.run({ config: retriever.config.parse({ knowledgeBaseIds: ["kb1"] }), inputs: { query: "年假" }, ctx });
    expect(calls[0].filter).toEqual({ tags: ["人事", "2024"] });
    expect(calls[1].filter).toBeUndefined();
  });

  it("reranks only when switched on, through the chosen provider, model and candidate count", async () => {
    const calls: RetrieveRequest[] = [];
    const ctx = fakeCtx({ retrieve: async (req) => (calls.push(req), chunks) });
    await retriever.run({ config: retriever.config.parse({ knowledgeBaseIds: ["kb1"], rerankProvider: "vllm" }), inputs: { query: "年假" }, ctx });
    await retriever.run({
      config: retriever.config.parse({ knowledgeBaseIds: ["kb1"], rerank: true, rerankProvider: "vllm", rerankModel: " BAAI/bge-reranker-v2-m3 ", rerankTopN: 30 }),
      inputs: { query: "年假" },
      ctx,
    });
    await retriever.run({ config: retriever.config.parse({ knowledgeBaseIds: ["kb1"], rerank: true }), inputs: { query: "年假" }, ctx });
    expect(calls[0].rerank).toBeUndefined();
    expect(calls[1].rerank).toEqual({ provider: "vllm", model: "BAAI/bge-reranker-v2-m3", topN: 30 });
    expect(calls[2].rerank).toEqual({ provider: "default", model: undefined, topN: 20 });
  });

  it("shows the rerank fields on the canvas only when reranking is on, with a provider picker", () => {
    const fields = deriveFields(retriever.config);
    expect(fields.find((f) => f.key === "rerank")).toMatchObject({ kind: "switch", label: { en: "Rerank", zh: "重排序" } });
    expect(fields.find((f) => f.key === "rerankProvider")).toMatchObject({ kind: "provider", showWhen: { rerank: true } });
    expect(fields.find((f) => f.key === "rerankModel")).toMatchObject({ kind: "text", showWhen: { rerank: true } });
    expect(fields.find((f) => f.key === "rerankTopN")).toMatchObject({ kind: "number", min: 1, max: 100, showWhen: { rerank: true } });
  });

  it("declares its tags setting as a list field the canvas can render, labelled in both languages", () => {
    const field = deriveFields(retriever.config).find((f) => f.key === "tags");
    expect(field).toMatchObject({ kind: "string-list", maxItems: 20, defaultValue: [], label: { en: "Document tags", zh: "文档标签" } });
  });

  it("says in the person's language that a knowledge base must be chosen", async () => {
    const ctx = fakeCtx({ locale: "zh", retrieve: async () => chunks });
    await expect(retriever.run({ config: retriever.config.parse({}), inputs: { query: "q" }, ctx })).rejects.toMatchObject({
      code: "RETRIEVER_NO_KNOWLEDGE_BASE",
      localized: { zh: expect.stringContaining("知识库") },
    });
  });

  it("returns nothing for an empty query instead of searching", async () => {
    const ctx = fakeCtx({ retrieve: async () => chunks });
    const out = await retriever.run({ config: retriever.config.parse({ knowledgeBaseIds: ["kb1"] }), inputs: { query: "   " }, ctx });
    expect(out).toEqual({ documents: [], context: "" });
  });

  it("formats an empty context as empty text", () => {
    expect(contextText([])).toBe("");
  });
});
