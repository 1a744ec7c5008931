import { describe, expect, it } from "vitest";
import { toCanvas } from "@/lib/canvas/convert";
import { clearEdges, firstCollision, type Box, type DrawnEdge } from "@/lib/canvas/edge-clearance";
import { freeSpot } from "@/lib/canvas/free-spot";
import { layoutPositions, type HandleOffsets } from "@/lib/canvas/layout";
import { nodePorts } from "@/lib/canvas/ports";
import type { CanvasNode } from "@/lib/canvas/types";
import { fitViewOptions, LEGIBLE_ZOOM } from "@/lib/canvas/viewport";
import { listTemplates, templateFlow } from "@/lib/flow/templates";
import { nodeRegistry } from "@/nodes";

describe("edge clearance", () => {
  // A → C drawn straight across the column where B sits: the case of an edge behind a node.
  const boxes = new Map<string, Box>([
    ["a", { x: 0, y: 0, width: 100, height: 60 }],
    ["b", { x: 200, y: 0, width: 100, height: 60 }],
    ["b2", { x: 200, y: 100, width: 100, height: 60 }],
    ["c", { x: 400, y: 0, width: 100, height: 60 }],
  ]);
  const edges: DrawnEdge[] = [{ source: "a", target: "c", from: { x: 100, y: 30 }, to: { x: 0, y: 30 } }];

  it("finds the node an edge passes under", () => {
    expect(firstCollision(boxes, edges)?.nodeId).toBe("b");
  });

  it("moves it (and what is below it in its column) under the edge, leaving the rest", () => {
    const cleared = clearEdges(boxes, edges);
    expect(firstCollision(cleared, edges)).toBeNull();
    expect(cleared.get("b")!.y).toBeGreaterThan(30);
    expect(cleared.get("b2")!.y - cleared.get("b")!.y).toBe(100);
    expect(cleared.get("a")).toEqual(boxes.get("a"));
    expect(cleared.get("c")).toEqual(boxes.get("c"));
  });
});

describe("auto-layout of the templates", () => {
  it.each(listTemplates(nodeRegistry, "zh").map((t) => t.id))("%s: no edge passes under a node", async (id) => {
    const { nodes, edges } = toCanvas(templateFlow(id, nodeRegistry, "zh")!);
    // Handles drawn the way the canvas draws them: one port row of 24 px each below a 40 px title.
    const handles: HandleOffsets = {};
    for (const node of nodes) {
      const ports = nodePorts(node.type ?? "", (node.data as { config?: Record<string, unknown> }).config ?? {});
      const rows = (names: string[]) => Object.fromEntries(names.map((name, i) => [name, 52 + 24 * i]));
      handles[node.id] = { inputs: rows(Object.keys(ports.inputs)), outputs: rows(Object.keys(ports.outputs)) };
    }
    const positions = await layoutPositions(nodes, edges, handles);
    const boxes = new Map(nodes.map((n) => [n.id, { ...positions[n.id], width: 240, height: 120 }]));
    const drawn: DrawnEdge[] = edges.map((e) => ({ source: e.source, target: e.target, from: { x: 240, y: handles[e.source].outputs[e.sourceHandle ?? ""] }, to: { x: 0, y: handles[e.target].inputs[e.targetHandle ?? ""] } }));
    expect(firstCollision(boxes, drawn)).toBeNull();
  });
});

describe("a node added by a click", () => {
  const at = (id: string, x: number, y: number): CanvasNode => ({ id, type: "llm", position: { x, y }, data: { config: {} }, measured: { width: 240, height: 130 } }) as CanvasNode;

  it("goes where it was asked when that place is free", () => {
    expect(freeSpot([at("a", 600, 600)], { x: 0, y: 0 })).toEqual({ x: 0, y: 0 });
  });

  it("goes to the nearest free place, overlapping nothing", () => {
    const nodes = [at("a", 0, 0), at("b", 280, 0), at("c", 0, 170)];
    const spot = freeSpot(nodes, { x: 10, y: 10 });
    for (const n of nodes) {
      const apart = spot.x >= n.position.x + 240 || n.position.x >= spot.x + 240 || spot.y >= n.position.y + 130 || n.position.y >= spot.y + 130;
      expect(apart).toBe(true);
    }
    expect(Math.hypot(spot.x - 10, spot.y - 10)).toBeLessThan(400);
  });
});

describe("fit to view", () => {
  it("stops at a legible zoom for small flows, not for large ones", () => {
    expect(fitViewOptions(5).minZoom).toBe(LEGIBLE_ZOOM);
    expect(fitViewOptions(12).minZoom).toBe(0.75);
    expect(fitViewOptions(40).minZoom).toBeUndefined();
  });
});
