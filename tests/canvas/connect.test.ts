import { describe, expect, it } from "vitest";
import { fittingConnection } from "@/lib/canvas/connect";
import { toCanvas } from "@/lib/canvas/convert";
import type { FlowDocument } from "@/lib/flow/schema";

//  start ──message──▶ t1.a    t1 ──text──▶ t2.a    answer (free)
const doc: FlowDocument = {
  schemaVersion: 1,
  nodes: [
    { id: "start", type: "start", position: { x: 0, y: 0 }, data: { variables: [] } },
    { id: "t1", type: "template", position: { x: 300, y: 0 }, data: { mode: "first-non-empty", inputs: ["a", "b"], template: "{{a}}" } },
    { id: "t2", type: "template", position: { x: 600, y: 0 }, data: { mode: "first-non-empty", inputs: ["a", "b"], template: "{{a}}" } },
    { id: "answer", type: "answer", position: { x: 900, y: 0 }, data: {} },
  ],
  edges: [
    { id: "e1", source: "start", sourceHandle: "message", target: "t1", targetHandle: "a" },
    { id: "e2", source: "t1", sourceHandle: "text", target: "t2", targetHandle: "a" },
  ],
};
const { nodes, edges } = toCanvas(doc);

describe("a connection dropped on a node (zoomed out, where its handles overlap)", () => {
  it("goes to the first input that fits when the one aimed at is taken", () => {
    expect(fittingConnection(nodes, edges, { nodeId: "start", port: "message", type: "source" }, "t1", "a")).toEqual({
      ok: true,
      connection: { source: "start", sourceHandle: "message", target: "t1", targetHandle: "b" },
    });
  });

  it("tries the dragged port first, then the node's other outputs", () => {
    // history (messages) fits no text input of the answer; message does.
    expect(fittingConnection(nodes, edges, { nodeId: "start", port: "history", type: "source" }, "answer")).toEqual({
      ok: true,
      connection: { source: "start", sourceHandle: "message", target: "answer", targetHandle: "text" },
    });
  });

  it("works from an input dragged backwards onto a node with outputs", () => {
    expect(fittingConnection(nodes, edges, { nodeId: "t2", port: "b", type: "target" }, "start")).toEqual({
      ok: true,
      connection: { source: "start", sourceHandle: "message", target: "t2", targetHandle: "b" },
    });
  });

  it("is refused with the reason for the ports aimed at when nothing fits", () => {
    // t2 is downstream of t1: any t2 → t1 edge closes a loop. The aimed-at input a is also taken,
    // which says less than why the free input b was refused.
    expect(fittingConnection(nodes, edges, { nodeId: "t2", port: "text", type: "source" }, "t1", "a")).toEqual({ ok: false, reason: { code: "cycle" } });
    expect(fittingConnection(nodes, edges, { nodeId: "t1", port: "text", type: "source" }, "t1")).toEqual({ ok: false, reason: { code: "self" } });
    expect(fittingConnection(nodes, edges, { nodeId: "answer", port: "text", type: "source" }, "start")).toEqual({ ok: false, reason: { code: "missing-port", port: "text" } });
  });
});
