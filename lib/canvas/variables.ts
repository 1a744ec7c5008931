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
  const order: string[] = [];
  const seen = new Set<string>([nodeId]);
  let frontier = [nodeId];
  while (frontier.length) {
    const next: string[] = [];
    for (const id of frontier) {
      for (const edge of edges) {
        if (edge.target !== id || seen.has(edge.source)) continue;
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
