import { describe, expect, it } from "vitest";
import en from "@/messages/en.json";
import zh from "@/messages/zh.json";
import { checkConnection, type RefusalReason } from "@/lib/canvas/connect";
import { toCanvas, toDocument } from "@/lib/canvas/convert";
import { createCanvasStore, type CanvasStore } from "@/lib/canvas/store";
import { upstreamVariables } from "@/lib/canvas/variables";
import { starterFlow } from "@/lib/flow/starter";
import { validateFlow } from "@/lib/flow/validate";
import type { FlowDocument } from "@/lib/flow/schema";
import { nodeRegistry } from "@/nodes";

//  start ──message──▶ prompt ──prompt──▶ llm ──text──▶ answer
//    └────history────────────────────────▶┘└─citations─▶┘
const starter = (): FlowDocument => starterFlow("en");
const doc = (store: CanvasStore) => toDocument(store.getState().nodes, store.getState().edges);
const select = (store: CanvasStore, ids: string[]) =>
  store.setState({ nodes: store.getState().nodes.map((n) => ({ ...n, selected: ids.includes(n.id) })) });

/** Renders a refusal the way the canvas toast does, from the real message files. */
function refusalText(reason: RefusalReason, messages: typeof en): string {
  const c = messages.canvas;
  const fill = (template: string, vars: Record<string, string>) => template.replace(/\{(\w+)\}/g, (_, k: string) => vars[k] ?? `{${k}}`);
  if (reason.code === "kind") return fill(c.refused.kind, { from: c.kinds[reason.fromKind], to: c.kinds[reason.toKind], port: reason.port });
  if (reason.code === "taken" || reason.code === "missing-port") return fill(c.refused[reason.code], { port: reason.port });
  return c.refused[reason.code];
}

type Case = { name: string; setup?: (s: CanvasStore) => void; act: (s: CanvasStore) => void };
/** Every kind of edit the canvas makes, each one undo step. */
const edits: Case[] = [
  { name: "add a node", act: (s) => void s.getState().addNode("template", { x: 10, y: 20 }) },
  { name: "add a sticky note", act: (s) => void s.getState().addNote({ x: 0, y: 300 }, "remember the refund policy") },
  {
    name: "move (one step per drag, however many frames)",
    act: (s) => {
      s.getState().beginDrag();
      for (let x = 1; x <= 30; x++) s.getState().onNodesChange([{ type: "position", id: "llm", position: { x: 560 + x * 5, y: 80 }, dragging: true }]);
      s.getState().onNodesChange([{ type: "position", id: "llm", position: { x: 710, y: 80 }, dragging: false }]);
      s.getState().endDrag();
    },
  },
  {
    name: "connect",
    setup: (s) => s.getState().deleteElements([], ["e-llm-citations"]),
    act: (s) => void s.getState().onConnect({ source: "llm", sourceHandle: "citations", target: "answer", targetHandle: "citations" }),
  },
  { name: "delete a node (and its edges)", act: (s) => (select(s, ["prompt"]), s.getState().deleteSelection()) },
  { name: "edit a setting", act: (s) => s.getState().updateNodeConfig("llm", { temperature: 0.1 }) },
  { name: "rename", act: (s) => s.getState().renameNode("llm", "Qwen 回答") },
  { name: "paste", act: (s) => (select(s, ["prompt", "llm"]), s.getState().copySelection(), s.getState().paste()) },
  { name: "auto-layout positions", act: (s) => s.getState().setPositions({ start: { x: 0, y: 0 }, answer: { x: 900, y: 0 } }) },
];

describe("undo and redo restore the exact graph", () => {
  it.each(edits)("$name", ({ setup, act }) => {
    const store = createCanvasStore(starter());
    setup?.(store);
    const before = doc(store);
    act(store);
    const after = doc(store);
    expect(after).not.toEqual(before);
    store.getState().undo();
    expect(doc(store)).toEqual(before);
    store.getState().redo();
    expect(doc(store)).toEqual(after);
  });

  it("treats typing into one field as one step, and a new field as the next", () => {
    const store = createCanvasStore(starter());
    const before = doc(store);
    for (const text of ["Q", "Qu", "Que", "Question: {{message}}"]) store.getState().updateNodeConfig("prompt", { template: text });
    store.getState().updateNodeConfig("llm", { maxTokens: 50 });
    store.getState().undo();
    expect(doc(store).nodes.find((n) => n.id === "prompt")?.data.template).toBe("Question: {{message}}");
    store.getState().undo();
    expect(doc(store)).toEqual(before);
  });

  it("a new edit after undo clears redo", () => {
    const store = createCanvasStore(starter());
    store.getState().addNode("template", { x: 0, y: 0 });
    store.getState().undo();
    store.getState().renameNode("start", "Begin");
    store.getState().redo();
    expect(doc(store).nodes.map((n) => n.type)).not.toContain("template");
  });
});

describe("a viewer's read-only canvas", () => {
  /** The edits a viewer could still trigger without the studio's controls: React Flow's own changes, the keyboard, an import. */
  const viewerAttempts: Case[] = [
    ...edits,
    { name: "delete through React Flow's remove change", act: (s) => s.getState().onNodesChange([{ type: "remove", id: "llm" }]) },
    { name: "remove an edge through React Flow", act: (s) => s.getState().onEdgesChange([{ type: "remove", id: "e-llm-citations" }]) },
    { name: "move without a drag (arrow keys)", act: (s) => s.getState().onNodesChange([{ type: "position", id: "llm", position: { x: 999, y: 999 }, dragging: false }]) },
    { name: "duplicate", act: (s) => (select(s, ["llm"]), s.getState().duplicateSelection()) },
    { name: "import", act: (s) => s.getState().replaceDocument({ ...starter(), nodes: starter().nodes.slice(0, 1), edges: [] }) },
    {
      name: "type into a sticky note",
      setup: (s) => void s.getState().addNote({ x: 0, y: 300 }, "read me"),
      act: (s) => s.getState().updateNote(s.getState().nodes.find((n) => n.type === "note")!.id, "changed"),
    },
    { name: "undo and redo", act: (s) => (s.getState().undo(), s.getState().redo()) },
  ];

  /** The flow as saved (prepared by an editor), opened by a viewer. */
  function opened(setup?: (s: CanvasStore) => void): CanvasStore {
    const editor = createCanvasStore(starter());
    setup?.(editor);
    return createCanvasStore(doc(editor), { readOnly: true });
  }

  it.each(viewerAttempts)("ignores: $name", ({ setup, act }) => {
    const store = opened(setup);
    const before = doc(store);
    act(store);
    expect(doc(store)).toEqual(before);
    // Nothing for autosave to send, and nothing to undo.
    expect(store.getState().changeCount).toBe(0);
    expect(store.getState().past).toEqual([]);
  });

  it("still selects, measures, copies and shows a run's trace", () => {
    const store = opened();
    store.getState().onNodesChange([
      { type: "select", id: "llm", selected: true },
      { type: "dimensions", id: "llm", dimensions: { width: 240, height: 120 } },
    ]);
    const llm = store.getState().nodes.find((n) => n.id === "llm");
    expect(llm?.selected).toBe(true);
    expect(llm?.measured).toEqual({ width: 240, height: 120 });
    store.getState().onEdgesChange([{ type: "select", id: "e-llm-citations", selected: true }]);
    expect(store.getState().edges.find((e) => e.id === "e-llm-citations")?.selected).toBe(true);
    expect(store.getState().copySelection()).toBe(1);
    store.getState().selectNode("answer");
    expect(store.getState().highlighted).toBe("answer");
    store.getState().applyRunEvent({ type: "node-started", at: 0, nodeId: "llm", nodeType: "llm", inputs: {} });
    expect(store.getState().trace.map((step) => [step.nodeId, step.status])).toEqual([["llm", "running"]]);
    expect(store.getState().changeCount).toBe(0);
  });
});

describe("copy, paste and duplicate", () => {
  it("pastes the selected nodes with their inner edges, fresh ids and an offset", () => {
    const store = createCanvasStore(starter());
    select(store, ["prompt", "llm"]);
    expect(store.getState().copySelection()).toBe(2);
    store.getState().paste({ x: 40, y: 40 });
    const { nodes, edges } = store.getState();
    const copies = nodes.filter((n) => n.selected);
    expect(copies.map((n) => n.type).sort()).toEqual(["llm", "prompt"]);
    expect(copies.every((n) => !["prompt", "llm"].includes(n.id))).toBe(true);
    const promptCopy = copies.find((n) => n.type === "prompt")!;
    const llmCopy = copies.find((n) => n.type === "llm")!;
    expect(promptCopy.position).toEqual({ x: 280 + 40, y: 0 + 40 });
    // Only the prompt → llm edge was between copied nodes.
    const copiedEdges = edges.filter((e) => e.source === promptCopy.id || e.target === llmCopy.id);
    expect(copiedEdges).toHaveLength(1);
    expect(copiedEdges[0]).toMatchObject({ source: promptCopy.id, sourceHandle: "prompt", target: llmCopy.id, targetHandle: "prompt" });
    expect(new Set(edges.map((e) => e.id)).size).toBe(edges.length);
    // The pasted copy keeps the settings but not the original's object: editing one leaves the other.
    store.getState().updateNodeConfig(llmCopy.id, { temperature: 1.5 });
    expect(doc(store).nodes.find((n) => n.id === "llm")?.data.temperature).toBe(0.7);
  });

  it("duplicates without touching the clipboard", () => {
    const store = createCanvasStore(starter());
    select(store, ["answer"]);
    store.getState().copySelection();
    select(store, ["start"]);
    store.getState().duplicateSelection();
    expect(doc(store).nodes.filter((n) => n.type === "start")).toHaveLength(2);
    store.getState().paste();
    expect(doc(store).nodes.filter((n) => n.type === "answer")).toHaveLength(2);
  });
});

describe("connections", () => {
  //  starter flow + a second LLM ("llm2") whose inputs are all free
  const withSecondLlm = (): FlowDocument => {
    const graph = starter();
    graph.nodes.push({ id: "llm2", type: "llm", position: { x: 560, y: 400 }, data: {} });
    return graph;
  };

  it.each([
    {
      name: "documents into a chat-messages input",
      connection: { source: "llm", sourceHandle: "citations", target: "llm2", targetHandle: "history" },
      code: "kind",
      en: 'Documents cannot go into a Chat messages input ("history").',
      zh: "文档不能接入对话消息类型的输入（“history”）。",
    },
    { name: "a second edge into a taken input", connection: { source: "start", sourceHandle: "message", target: "llm", targetHandle: "prompt" }, code: "taken", en: 'The input "prompt" already has a connection. Delete it first: an input takes one connection.', zh: "输入“prompt”已经有一条连线，每个输入只能接一条，请先删除原来的连线。" },
    { name: "a loop", connection: { source: "answer", sourceHandle: "citations", target: "llm", targetHandle: "documents" }, code: "cycle", en: "This connection would make a loop; a flow cannot feed back into itself.", zh: "这条连线会形成循环，流程不能回到自身。" },
    { name: "a node to itself", connection: { source: "llm", sourceHandle: "text", target: "llm", targetHandle: "prompt" }, code: "self", en: "A node cannot be connected to itself.", zh: "节点不能连接到自身。" },
  ])("refuses $name and says why", ({ connection, code, en: enText, zh: zhText }) => {
    const store = createCanvasStore(withSecondLlm());
    const check = checkConnection(store.getState().nodes, store.getState().edges, connection);
    expect(check).toEqual({ ok: false, reason: expect.objectContaining({ code }) });
    if (!check.ok) {
      expect(refusalText(check.reason, en)).toBe(enText);
      expect(refusalText(check.reason, zh)).toBe(zhText);
    }
    const before = doc(store);
    expect(store.getState().onConnect(connection)).toBe(false);
    expect(doc(store)).toEqual(before);
    expect(store.getState().notice?.reason.code).toBe(code);
  });

  it("accepts what canConnect allows: documents into a text input", () => {
    const store = createCanvasStore(withSecondLlm());
    expect(store.getState().onConnect({ source: "llm", sourceHandle: "citations", target: "llm2", targetHandle: "prompt" })).toBe(true);
    expect(doc(store).edges.filter((e) => e.target === "llm2")).toHaveLength(1);
  });

  it("accepts a fitting connection into a port the prompt template creates", () => {
    const store = createCanvasStore(starter());
    store.getState().updateNodeConfig("prompt", { template: "{{message}} / {{问题}}" });
    expect(store.getState().onConnect({ source: "start", sourceHandle: "message", target: "prompt", targetHandle: "问题" })).toBe(true);
    expect(validateFlow(doc(store), nodeRegistry, "en").ok).toBe(true);
  });
});

describe("flow document round trip", () => {
  it("keeps labels and sticky notes, and notes never reach validation", () => {
    const store = createCanvasStore(starter());
    store.getState().renameNode("llm", "回答模型");
    store.getState().addNote({ x: 5, y: 6 }, "便签");
    const out = doc(store);
    expect(out.notes).toEqual([expect.objectContaining({ text: "便签", position: { x: 5, y: 6 } })]);
    expect(out.nodes.find((n) => n.id === "llm")?.label).toBe("回答模型");
    const checked = validateFlow(JSON.parse(JSON.stringify(out)), nodeRegistry, "en");
    expect(checked.ok).toBe(true);
    if (checked.ok) expect(toDocument(toCanvas(checked.flow).nodes, toCanvas(checked.flow).edges)).toEqual(out);
  });
});

describe("prompt variables", () => {
  it("lists the outputs upstream of a node, nearest first, and the start node's even when unconnected", () => {
    const store = createCanvasStore(starter());
    const id = store.getState().addNode("prompt", { x: 0, y: 400 });
    const loose = upstreamVariables(store.getState().nodes, store.getState().edges, id, "zh");
    expect(loose.map((v) => `${v.nodeId}.${v.port}`)).toEqual(["start.message", "start.history"]);
    expect(loose[0]).toMatchObject({ nodeName: "开始", label: "用户消息" });
    const wired = upstreamVariables(store.getState().nodes, store.getState().edges, "answer", "en");
    expect(wired.map((v) => v.nodeId)).toEqual(["llm", "llm", "start", "start", "prompt"]);
  });
});
