import type { Edge, Node } from "@xyflow/react";
import type { FlowDiff } from "@/lib/flow/diff";
import type { FlowDocument, FlowEdge, FlowNode } from "@/lib/flow/schema";

export type DiffStatus = "added" | "removed" | "changed" | "unchanged";

/** What a node on the compare canvas shows. */
export type DiffNodeData = {
  title: string;
  typeName: string;
  status: DiffStatus;
  /** How many settings changed, for the badge of a changed node. */
  changes: number;
  moved: boolean;
  /** Badge words in the person's language, added by the canvas. */
  labels?: Record<DiffStatus | "moved", string>;
};

export type DiffCanvasNode = Node<DiffNodeData, "diff">;

const edgeKey = (edge: FlowEdge) => `${edge.source}\u0000${edge.sourceHandle}\u0000${edge.target}\u0000${edge.targetHandle}`;

/**
 * Lays both states of a flow on one read-only canvas: the newer state's nodes, coloured by what
 * happened to them (added green, changed amber), plus the nodes the newer state removed, drawn
 * where they were in the older state (red, dashed); edges likewise. Pure, so it is testable.
 * @example const { nodes, edges } = diffGraph(from, to, diff, (n) => n.label ?? n.type, (type) => type);
 */
export function diffGraph(
  from: FlowDocument,
  to: FlowDocument,
  diff: FlowDiff,
  title: (node: FlowNode) => string,
  typeName: (type: string) => string,
): { nodes: DiffCanvasNode[]; edges: Edge[] } {
  const added = new Set(diff.nodes.added.map((n) => n.id));
  const changed = new Map(diff.nodes.changed.map((c) => [c.id, c]));
  const moved = new Set(diff.nodes.moved.map((m) => m.id));
  const make = (node: FlowNode, status: DiffStatus): DiffCanvasNode => ({
    id: status === "removed" ? `removed:${node.id}` : node.id,
    type: "diff",
    position: node.position ?? { x: 0, y: 0 },
    data: {
      title: title(node),
      typeName: typeName(node.type),
      status,
      changes: changed.get(node.id)?.settings.length ?? 0,
      moved: moved.has(node.id),
    },
    draggable: false,
    selectable: false,
    connectable: false,
  });
  const nodes = [
    ...to.nodes.map((node) => make(node, added.has(node.id) ? "added" : changed.has(node.id) ? "changed" : "unchanged")),
    ...diff.nodes.removed.map((node) => make(node, "removed")),
  ];
  const removedNodes = new Set(diff.nodes.removed.map((n) => n.id));
  const addedEdges = new Set(diff.edges.added.map(edgeKey));
  const end = (id: string) => (removedNodes.has(id) ? `removed:${id}` : id);
  const edges: Edge[] = [
    ...to.edges.map((edge) => ({
      id: `e:${edge.id}`,
      source: edge.source,
      target: edge.target,
      className: addedEdges.has(edgeKey(edge)) ? "diff-edge added" : "diff-edge",
    })),
    ...diff.edges.removed.map((edge) => ({ id: `removed:${edge.id}`, source: end(edge.source), target: end(edge.target), className: "diff-edge removed" })),
  ];
  // Edges whose ends are not on the canvas (a malformed document) would only log warnings.
  const ids = new Set(nodes.map((n) => n.id));
  return { nodes, edges: edges.filter((e) => ids.has(e.source) && ids.has(e.target)) };
}
