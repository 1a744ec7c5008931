import ELK from "elkjs/lib/elk.bundled.js";
import type { ElkNode } from "elkjs/lib/elk-api";
import { clearEdges, type Box, type DrawnEdge, type Point } from "./edge-clearance";
import { nodePorts } from "./ports";
import { isNote, type CanvasEdge, type CanvasNode } from "./types";

const DEFAULT_SIZE = { width: 240, height: 120 };
let elk: InstanceType<typeof ELK> | undefined;

/** Where each node's handles are drawn, inside the node (from React Flow's measured handle bounds). */
export type HandleOffsets = Record<string, { inputs: Record<string, number>; outputs: Record<string, number> }>;

/**
 * New positions that lay the flow out left to right in layers (elkjs "layered"), with each
 * node's inputs on its left and outputs on its right in their drawn order, so edges do not
 * cross needlessly; then no edge as the canvas draws it passes under a node it does not connect
 * (lib/canvas/edge-clearance.ts). `handles` gives the drawn handle heights; without it (or for a
 * port it lacks) elk's port positions stand in. Sticky notes keep their place.
 * @example store.getState().setPositions(await layoutPositions(nodes, edges, handleOffsets));
 */
export async function layoutPositions(nodes: readonly CanvasNode[], edges: readonly CanvasEdge[], handles: HandleOffsets = {}): Promise<Record<string, { x: number; y: number }>> {
  elk ??= new ELK();
  const flowNodes = nodes.filter((n) => !isNote(n));
  const ids = new Set(flowNodes.map((n) => n.id));
  const graph: ElkNode = {
    id: "root",
    layoutOptions: {
      "elk.algorithm": "layered",
      "elk.direction": "RIGHT",
      "elk.layered.spacing.nodeNodeBetweenLayers": "90",
      "elk.spacing.nodeNode": "40",
      "elk.layered.nodePlacement.strategy": "BRANDES_KOEPF",
    },
    children: flowNodes.map((node) => {
      const ports = isNote(node) ? { inputs: {}, outputs: {} } : nodePorts(node.type ?? "", node.data.config);
      const size = { width: node.measured?.width ?? DEFAULT_SIZE.width, height: node.measured?.height ?? DEFAULT_SIZE.height };
      return {
        id: node.id,
        ...size,
        layoutOptions: { "elk.portConstraints": "FIXED_ORDER" },
        ports: [
          ...Object.keys(ports.inputs).map((name, index) => ({ id: `${node.id}\u0000in\u0000${name}`, width: 8, height: 8, layoutOptions: { "elk.port.side": "WEST", "elk.port.index": String(index) } })),
          ...Object.keys(ports.outputs).map((name, index) => ({ id: `${node.id}\u0000out\u0000${name}`, width: 8, height: 8, layoutOptions: { "elk.port.side": "EAST", "elk.port.index": String(index) } })),
        ],
      };
    }),
    edges: edges
      .filter((e) => ids.has(e.source) && ids.has(e.target))
      .map((edge) => ({ id: edge.id, sources: [`${edge.source}\u0000out\u0000${edge.sourceHandle}`], targets: [`${edge.target}\u0000in\u0000${edge.targetHandle}`] })),
  };
  // An edge to a port the node no longer has would make elk throw: drop those edges from the layout.
  const portIds = new Set(graph.children?.flatMap((c) => c.ports?.map((p) => p.id) ?? []));
  graph.edges = graph.edges?.filter((e) => "sources" in e && portIds.has(e.sources[0]) && portIds.has(e.targets[0]));
  const laid = await elk.layout(graph);
  const boxes = new Map<string, Box>();
  const portAt = new Map<string, Point>();
  for (const child of laid.children ?? []) {
    boxes.set(child.id, { x: child.x ?? 0, y: child.y ?? 0, width: child.width ?? DEFAULT_SIZE.width, height: child.height ?? DEFAULT_SIZE.height });
    for (const port of child.ports ?? []) portAt.set(port.id, { x: (port.x ?? 0) + (port.width ?? 0) / 2, y: (port.y ?? 0) + (port.height ?? 0) / 2 });
  }
  const drawn: DrawnEdge[] = (graph.edges ?? []).map((e) => {
    const [source, , sourcePort] = (e as { sources: string[] }).sources[0].split("\u0000");
    const [target, , targetPort] = (e as { targets: string[] }).targets[0].split("\u0000");
    const width = (id: string) => boxes.get(id)?.width ?? DEFAULT_SIZE.width;
    const fromY = handles[source]?.outputs[sourcePort] ?? portAt.get((e as { sources: string[] }).sources[0])?.y ?? 0;
    const toY = handles[target]?.inputs[targetPort] ?? portAt.get((e as { targets: string[] }).targets[0])?.y ?? 0;
    return { source, target, from: { x: width(source), y: fromY }, to: { x: 0, y: toY } };
  });
  const positions: Record<string, { x: number; y: number }> = {};
  for (const [id, box] of clearEdges(boxes, drawn)) positions[id] = { x: Math.round(box.x), y: Math.round(box.y) };
  return positions;
}
