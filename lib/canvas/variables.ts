import type { Locale } from "@/lib/i18n/locale";
import { getNodeDef } from "@/nodes";
import { nodePorts } from "./ports";
import { isNote, type CanvasEdge, type CanvasNode } from "./types";

/** A value a prompt can use: an output of a node upstream of it. */
export interface UpstreamVariable {
  nodeId: string;
  nodeName: string;
  port: string;
  label: string;
}

/**
 * The outputs a node can draw on: those of every node upstream of it (nearest first), plus the
 * start node's, which every flow can reach. The prompt editor lists them for `{{…}}` insertion.
 * @example upstreamVariables(nodes, edges, "prompt-1", "zh").map((v) => v.port) // ["message", "history"]
 */
export function upstreamVariables(nodes: readonly CanvasNode[], edges: readonly CanvasEdge[], nodeId: string, locale: Locale): UpstreamVariable[] {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const into = new Map<string, CanvasEdge[]>();
  for (const edge of edges) {
    const list = into.get(edge.target);
    if (list) list.push(edge);
    else into.set(edge.target, [edge]);
  }
  const order: string[] = [];
  const seen = new Set<string>([nodeId]);
  let frontier = [nodeId];
  while (frontier.length) {
    const next: string[] = [];
    for (const id of frontier) {
      for (const edge of into.get(id) ?? []) {
        if (seen.has(edge.source)) continue;
        seen.add(edge.source);
        order.push(edge.source);
        next.push(edge.source);
      }
    }
    frontier = next;
  }
  for (const node of nodes) if (!seen.has(node.id) && getNodeDef(node.type ?? "")?.entry) order.push(node.id);
  const out: UpstreamVariable[] = [];
  for (const id of order) {
    const node = byId.get(id);
    if (!node || isNote(node)) continue;
    const def = getNodeDef(node.type ?? "");
    const nodeName = node.data.label || def?.ui.label[locale] || node.type || id;
    for (const [port, spec] of Object.entries(nodePorts(node.type ?? "", node.data.config).outputs)) {
      out.push({ nodeId: id, nodeName, port, label: spec.label?.[locale] || port });
    }
  }
  return out;
}

/**
 * `upstreamVariables` as a cheap store selector: it recomputes only when the edges or some
 * node's type or settings changed, not when a node merely moved. Dragging a node replaces the
 * nodes array on every frame, and walking a 300-node graph per frame made dragging stutter.
 * Returns a JSON string, so subscribers re-render only when the list really changed.
 * @example const select = upstreamVariablesKey("prompt-1", "zh"); useCanvas((s) => select(s.nodes, s.edges));
 */
export function upstreamVariablesKey(nodeId: string, locale: Locale): (nodes: readonly CanvasNode[], edges: readonly CanvasEdge[]) => string {
  let lastEdges: readonly CanvasEdge[] | undefined;
  let lastNodes: readonly CanvasNode[] = [];
  let key = "[]";
  const sameGraph = (nodes: readonly CanvasNode[]) =>
    nodes.length === lastNodes.length && nodes.every((n, i) => n === lastNodes[i] || (n.id === lastNodes[i].id && n.type === lastNodes[i].type && n.data === lastNodes[i].data));
  return (nodes, edges) => {
    if (edges === lastEdges && sameGraph(nodes)) {
      lastNodes = nodes;
      return key;
    }
    lastEdges = edges;
    lastNodes = nodes;
    key = JSON.stringify(upstreamVariables(nodes, edges, nodeId, locale));
    return key;
  };
}
