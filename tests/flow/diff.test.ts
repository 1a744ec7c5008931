import { describe, expect, it } from "vitest";
import { diffFlows, sameFlow } from "@/lib/flow/diff";
import { describeFlowDiff } from "@/lib/flow/diff-text";
import { diffGraph } from "@/components/flow-diff/diff-graph";
import { starterFlow } from "@/lib/flow/starter";
import type { FlowDocument } from "@/lib/flow/schema";
import { nodeRegistry } from "@/nodes";
import { makeEdge, makeNode } from "../engine/factories";

const clone = (doc: FlowDocument): FlowDocument => structuredClone(doc);

function withNode(doc: FlowDocument, id: string, patch: (data: Record<string, unknown>) => void): FlowDocument {
  const next = clone(doc);
  const node = next.nodes.find((n) => n.id === id);
  if (!node) throw new Error(`no node ${id}`);
  patch(node.data);
  return next;
}

/*  start ─▶ condition ─(refund)▶ answer   */
const routed: FlowDocument = {
  schemaVersion: 1,
  nodes: [
    makeNode("start", "start", { variables: [] }),
    makeNode("cond", "condition", { branches: [{ id: "refund", label: "退款", match: "all", rules: [{ path: "", operator: "contains", value: "退款" }] }] }),
    makeNode("answer", "answer"),
  ],
  edges: [makeEdge("start.message", "cond.input"), makeEdge("cond.refund", "answer.text")],
};

describe("diffFlows", () => {
  it("finds nothing between a flow and its copy", () => {
    const diff = diffFlows(starterFlow("en"), starterFlow("en"));
    expect(diff.changeCount).toBe(0);
    expect(sameFlow(starterFlow("en"), starterFlow("en"))).toBe(true);
  });

  it("reports a changed setting with its before and after values", () => {
    const after = withNode(starterFlow("en"), "llm", (d) => (d.temperature = 0.2));
    const diff = diffFlows(starterFlow("en"), after);
    expect(diff.changeCount).toBe(1);
    expect(diff.nodes.changed).toHaveLength(1);
    expect(diff.nodes.changed[0]).toMatchObject({ id: "llm", typeChanged: false, labelChanged: false, settings: [{ path: "temperature", before: 0.7, after: 0.2 }] });
    expect(describeFlowDiff(diff, { from: starterFlow("en"), to: after }, nodeRegistry, "en")).toEqual([
      { kind: "node-changed", nodeId: "llm", text: "LLM: Temperature 0.7 → 0.2" },
    ]);
  });

  it("reports nested settings (a condition rule) by their path and names them in Chinese", () => {
    const after = withNode(routed, "cond", (d) => {
      const branches = d.branches as Array<{ rules: Array<{ value: string }> }>;
      branches[0].rules[0].value = "退货";
      branches[0].rules.push({ value: "refund" } as { value: string });
    });
    const diff = diffFlows(routed, after);
    expect(diff.nodes.changed[0].settings).toEqual([
      { path: "branches.0.rules.0.value", before: "退款", after: "退货" },
      { path: "branches.0.rules.1", before: undefined, after: { value: "refund" } },
    ]);
    const lines = describeFlowDiff(diff, { from: routed, to: after }, nodeRegistry, "zh").map((l) => l.text);
    expect(lines[0]).toBe("条件分支：分支 #1 › 条件 #1 › 比较值 “退款” → “退货”");
    expect(lines[1]).toContain("（无） →");
  });

  it("reports added and removed nodes and the connections that came and went with them", () => {
    const after = clone(routed);
    after.nodes = after.nodes.filter((n) => n.id !== "answer");
    after.nodes.push(makeNode("reply", "answer", {}, { label: "回复" }));
    after.edges = [makeEdge("start.message", "cond.input"), makeEdge("cond.else", "reply.text")];
    const diff = diffFlows(routed, after);
    expect(diff.nodes.added.map((n) => n.id)).toEqual(["reply"]);
    expect(diff.nodes.removed.map((n) => n.id)).toEqual(["answer"]);
    expect(diff.edges.added.map((e) => e.id)).toEqual(["cond.else->reply.text"]);
    expect(diff.edges.removed.map((e) => e.id)).toEqual(["cond.refund->answer.text"]);
    expect(diff.changeCount).toBe(4);
    const lines = describeFlowDiff(diff, { from: routed, to: after }, nodeRegistry, "zh").map((l) => l.text);
    expect(lines).toEqual(["新增节点：回复", "删除节点：回答", "新增连线：条件分支（否则） → 回复（文本）", "删除连线：条件分支（退款） → 回答（文本）"]);
  });

  it("names knowledge bases and providers, never their ids, and says which were deleted", () => {
    const before: FlowDocument = { schemaVersion: 1, nodes: [makeNode("r", "retriever", { knowledgeBaseIds: ["kb-aaaa-1111-2222"] }), makeNode("llm", "llm", { provider: "default" })], edges: [] };
    const after = clone(before);
    after.nodes[0].data = { knowledgeBaseIds: ["kb-bbbb-3333-4444"] };
    after.nodes[1].data = { provider: "p-vllm" };
    const catalog = { knowledgeBases: new Map([["kb-bbbb-3333-4444", "员工手册"]]), providers: new Map([["p-vllm", "实验室 vLLM"]]) };
    const lines = describeFlowDiff(diffFlows(before, after), { from: before, to: after }, nodeRegistry, "zh", catalog).map((l) => l.text);
    expect(lines).toContain("知识检索：知识库 #1 “已删除的知识库（kb-aaaa-…）” → “员工手册”");
    expect(lines).toContain("大模型：模型服务 “默认模型服务” → “实验室 vLLM”");
    expect(lines.join("\n")).not.toContain("kb-bbbb");
  });

  it("treats a re-drawn connection with a new id as the same connection", () => {
    const after = clone(routed);
    after.edges[0] = { ...after.edges[0], id: "xyflow__edge-new" };
    expect(diffFlows(routed, after).changeCount).toBe(0);
  });

  it("reports moves apart and does not count them as changes", () => {
    const after = clone(routed);
    after.nodes[1].position = { x: 300, y: 40 };
    const diff = diffFlows(routed, after);
    expect(diff.changeCount).toBe(0);
    expect(diff.nodes.changed).toEqual([]);
    expect(diff.nodes.moved).toEqual([{ id: "cond", before: { x: 0, y: 0 }, after: { x: 300, y: 40 } }]);
    expect(sameFlow(routed, after)).toBe(false);
  });

  it("reports renames and type changes", () => {
    const after = clone(routed);
    after.nodes[2] = { ...after.nodes[2], label: "最终回答" };
    after.nodes[1] = { ...after.nodes[1], type: "template", data: {} };
    const diff = diffFlows(routed, after);
    const byId = Object.fromEntries(diff.nodes.changed.map((c) => [c.id, c]));
    expect(byId.answer).toMatchObject({ labelChanged: true, typeChanged: false, settings: [] });
    expect(byId.cond.typeChanged).toBe(true);
    const lines = describeFlowDiff(diff, { from: routed, to: after }, nodeRegistry, "en").map((l) => l.text);
    expect(lines).toContain('Renamed "Answer" → "最终回答"');
    expect(lines).toContain("Text template: type Condition → Text template");
  });

  it("with a registry, compares settings after defaults so {} equals the explicit defaults", () => {
    const explicit = withNode(routed, "start", (d) => delete d.variables);
    expect(diffFlows(routed, explicit).changeCount).toBe(1);
    expect(diffFlows(routed, explicit, { registry: nodeRegistry }).changeCount).toBe(0);
  });
});

describe("diffGraph (the compare canvas)", () => {
  it("colours nodes by what happened to them and keeps removed nodes and edges from the older flow", () => {
    const after = withNode(routed, "cond", (d) => ((d.branches as Array<{ label: string }>)[0].label = "退货"));
    after.nodes = after.nodes.filter((n) => n.id !== "answer");
    after.nodes.push(makeNode("reply", "answer", {}, { position: { x: 500, y: 0 } }));
    after.edges = [makeEdge("start.message", "cond.input"), makeEdge("cond.else", "reply.text")];
    const { nodes, edges } = diffGraph(routed, after, diffFlows(routed, after), (n) => n.label ?? n.type, (t) => t);
    expect(Object.fromEntries(nodes.map((n) => [n.id, n.data.status]))).toEqual({ start: "unchanged", cond: "changed", reply: "added", "removed:answer": "removed" });
    expect(edges.map((e) => [e.source, e.target, e.className])).toEqual([
      ["start", "cond", "diff-edge"],
      ["cond", "reply", "diff-edge added"],
      ["cond", "removed:answer", "diff-edge removed"],
    ]);
  });
});
