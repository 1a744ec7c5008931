import type { Connection } from "@xyflow/react";
import { canConnect, type PortKind } from "@/nodes/ports";
import { nodePorts } from "./ports";
import { isNote, type CanvasEdge, type CanvasNode } from "./types";

/**
 * Why a connection is refused. The canvas shows it in the person's language
 * (messages `canvas.refused.<code>`), filling in the kinds and names.
 */
export type RefusalReason =
  | { code: "self" }
  | { code: "note" }
  | { code: "missing-port"; port: string }
  | { code: "kind"; fromKind: PortKind; toKind: PortKind; port: string }
  | { code: "taken"; port: string }
  | { code: "cycle" };

export type ConnectionCheck = { ok: true } | { ok: false; reason: RefusalReason };

/**
 * Whether a connection may be made, and if not why: port kinds must fit (`canConnect`), an input
 * takes one connection, a node cannot feed itself or anything upstream of it (no loops).
 * @example checkConnection(nodes, edges, { source: "kb", sourceHandle: "documents", target: "n", targetHandle: "value" })
 * // { ok: false, reason: { code: "kind", fromKind: "documents", toKind: "number", port: "value" } }
 */
export function checkConnection(nodes: readonly CanvasNode[], edges: readonly CanvasEdge[], connection: Connection | CanvasEdge): ConnectionCheck {
  const { source, target } = connection;
  const sourceHandle = connection.sourceHandle ?? "";
  const targetHandle = connection.targetHandle ?? "";
  if (source === target) return { ok: false, reason: { code: "self" } };
  const from = nodes.find((n) => n.id === source);
  const to = nodes.find((n) => n.id === target);
  if (!from || !to || isNote(from) || isNote(to)) return { ok: false, reason: { code: "note" } };
  const out = nodePorts(from.type ?? "", from.data.config).outputs;
  const inp = nodePorts(to.type ?? "", to.data.config).inputs;
  const outSpec = Object.hasOwn(out, sourceHandle) ? out[sourceHandle] : undefined;
  const inSpec = Object.hasOwn(inp, targetHandle) ? inp[targetHandle] : undefined;
  if (!outSpec) return { ok: false, reason: { code: "missing-port", port: sourceHandle } };
  if (!inSpec) return { ok: false, reason: { code: "missing-port", port: targetHandle } };
  const port = targetHandle;
  if (!canConnect(outSpec.kind, inSpec.kind)) return { ok: false, reason: { code: "kind", fromKind: outSpec.kind, toKind: inSpec.kind, port } };
  if (edges.some((e) => e.target === target && e.targetHandle === targetHandle && !(e.source === source && e.sourceHandle === sourceHandle))) {
    return { ok: false, reason: { code: "taken", port } };
  }
  if (reaches(edges, target, source)) return { ok: false, reason: { code: "cycle" } };
  return { ok: true };
}

/** Whether `to` can be reached from `from` by following edges downstream. */
function reaches(edges: readonly CanvasEdge[], from: string, to: string): boolean {
  const next = new Map<string, string[]>();
  for (const edge of edges) next.set(edge.source, [...(next.get(edge.source) ?? []), edge.target]);
  const seen = new Set<string>([from]);
  const stack = [from];
  while (stack.length) {
    const id = stack.pop() as string;
    if (id === to) return true;
    for (const n of next.get(id) ?? []) {
      if (seen.has(n)) continue;
      seen.add(n);
      stack.push(n);
    }
  }
  return false;
}
