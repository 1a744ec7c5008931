import { freshId } from "./ids";
import { isNote, type CanvasEdge, type CanvasNode, type GraphSnapshot } from "./types";

/**
 * The selected nodes and the edges between them (an edge to a node left behind is not copied,
 * since its pasted copy would have nowhere to go).
 * @example copyOf(nodes, edges) // { nodes: [selected…], edges: [inner edges…] }
 */
export function copyOf(nodes: readonly CanvasNode[], edges: readonly CanvasEdge[]): GraphSnapshot {
  const picked = nodes.filter((n) => n.selected);
  const ids = new Set(picked.map((n) => n.id));
  return {
    nodes: picked.map((n) => structuredClone(stripRuntime(n))),
    edges: edges.filter((e) => ids.has(e.source) && ids.has(e.target)).map((e) => ({ ...stripEdge(e) })),
  };
}

/**
 * Copies of the clipboard's nodes with fresh ids, shifted by `offset`, and their inner edges
 * rewired to the copies. The copies come selected, the way people expect after pasting.
 * @example const { nodes, edges } = pasted(clip, nodeIds, edgeIds, { x: 40, y: 40 });
 */
export function pasted(clip: GraphSnapshot, taken: ReadonlySet<string>, takenEdges: ReadonlySet<string>, offset: { x: number; y: number }): GraphSnapshot {
  const used = new Set(taken);
  const rename = new Map<string, string>();
  const nodes = clip.nodes.map((node): CanvasNode => {
    const id = freshId(isNote(node) ? "note" : (node.type ?? "node"), used);
    used.add(id);
    rename.set(node.id, id);
    return { ...structuredClone(node), id, position: { x: node.position.x + offset.x, y: node.position.y + offset.y }, selected: true } as CanvasNode;
  });
  const edgeIds = new Set(takenEdges);
  const edges = clip.edges.map((edge): CanvasEdge => {
    const id = freshId("e", edgeIds);
    edgeIds.add(id);
    return { ...edge, id, source: rename.get(edge.source) as string, target: rename.get(edge.target) as string, selected: false };
  });
  return { nodes, edges };
}

function stripRuntime(node: CanvasNode): CanvasNode {
  const { selected: _s, dragging: _d, measured: _m, ...rest } = node;
  return rest as CanvasNode;
}

function stripEdge(edge: CanvasEdge): CanvasEdge {
  const { selected: _s, ...rest } = edge;
  return rest;
}
