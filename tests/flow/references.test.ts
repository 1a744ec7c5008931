import { describe, expect, it } from "vitest";
import { checkReferences } from "@/lib/flow/references";
import type { FlowDocument } from "@/lib/flow/schema";
import { analyzeFlow } from "@/lib/flow/validate";
import { nodeRegistry } from "@/nodes";
import { makeNode } from "../engine/factories";

const doc = (nodes: FlowDocument["nodes"]): FlowDocument => ({ schemaVersion: 1, nodes, edges: [] });
const check = (flow: FlowDocument, catalog: Parameters<typeof checkReferences>[1]) => checkReferences(analyzeFlow(flow, nodeRegistry, "zh"), catalog, "zh");

describe("checkReferences", () => {
  it("reports a retriever with no knowledge base, at its setting", () => {
    const problems = check(doc([makeNode("r", "retriever", {})]), { knowledgeBases: new Map() });
    expect(problems).toEqual([expect.objectContaining({ code: "knowledge-base-unset", nodeId: "r", field: "knowledgeBaseIds", message: "“知识检索”没有选择知识库，请在它的设置中至少选择一个。" })]);
  });

  it("reports a knowledge base that no longer exists, and only that one", () => {
    const flow = doc([makeNode("r", "retriever", { knowledgeBaseIds: ["kb-live", "88ece4e8-0000-4000-8000-000000000000"] }, { label: "查手册" })]);
    const problems = check(flow, { knowledgeBases: new Map([["kb-live", "员工手册"]]) });
    expect(problems.map((p) => [p.code, p.reference])).toEqual([["knowledge-base-missing", "88ece4e8-0000-4000-8000-000000000000"]]);
    expect(problems[0].message).toContain("“查手册”使用的知识库已不存在");
    expect(problems[0].message).toContain("88ece4e8");
  });

  it("says nothing about knowledge bases it was not given, and accepts the default provider", () => {
    const flow = doc([makeNode("r", "retriever", { knowledgeBaseIds: ["kb-x"] }), makeNode("llm", "llm", { provider: "default" })]);
    expect(check(flow, {})).toEqual([]);
    expect(check(flow, { providers: new Map() })).toEqual([]);
  });

  it("reports a removed provider on an LLM, and a rerank provider only when reranking is on", () => {
    const flow = doc([makeNode("llm", "llm", { provider: "gone" }), makeNode("r", "retriever", { knowledgeBaseIds: ["kb"], rerankProvider: "gone-too" })]);
    const catalog = { knowledgeBases: new Map([["kb", "手册"]]), providers: new Map([["offline", "离线"]]) };
    expect(check(flow, catalog).map((p) => [p.code, p.nodeId, p.field])).toEqual([["provider-missing", "llm", "provider"]]);
    flow.nodes[1].data = { ...flow.nodes[1].data, rerank: true };
    expect(check(flow, catalog).map((p) => [p.code, p.nodeId, p.field])).toEqual([
      ["provider-missing", "llm", "provider"],
      ["provider-missing", "r", "rerankProvider"],
    ]);
  });
});
