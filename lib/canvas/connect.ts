import type { Connection } from "@xyflow/react";
import { canConnect, type PortKind } from "@/nodes/ports";
import { nodePorts } from "./ports";
import { isNote, type CanvasEdge, type CanvasNode, type FlowCanvasNode } from "./types";

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

/** The end a connection was dragged from: its node, port and side. */
export interface DraggedEnd {
  nodeId: string;
  port: string | null;
  type: "source" | "target";
}

/**
 * The connection to make when one is dropped on a node rather than on one of its ports: zoomed
 * out, a node's handles sit on top of one another and only one can be aimed at. Tries the dragged
 * port against each port of the other side of `toNodeId` (`preferred` first, then in order), then
 * the dragged node's other ports, and returns the first new connection that `checkConnection`
 * allows; else why the first pair (the ports aimed at) was refused, or, when those were only taken,
 * why the first free one was.
 * @example fittingConnection(nodes, edges, { nodeId: "llm", port: "text", type: "source" }, "answer")
 * // { ok: true, connection: { source: "llm", sourceHandle: "text", target: "answer", targetHandle: "text" } }
 */
export function fittingConnection(
  nodes: readonly CanvasNode[],
  edges: readonly CanvasEdge[],
  from: DraggedEnd,
  toNodeId: string,
  preferred?: string | null,
): { ok: true; connection: Connection } | { ok: false; reason: RefusalReason } {
  if (from.nodeId === toNodeId) return { ok: false, reason: { code: "self" } };
  const fromNode = nodes.find((n) => n.id === from.nodeId);
  const toNode = nodes.find((n) => n.id === toNodeId);
  if (!fromNode || !toNode || isNote(fromNode) || isNote(toNode)) return { ok: false, reason: { code: "note" } };
  const side = (node: FlowCanvasNode, type: "source" | "target") => {
    const ports = nodePorts(node.type ?? "", node.data.config);
    return Object.keys(type === "source" ? ports.outputs : ports.inputs);
  };
  const firstOf = (names: string[], first: string | null | undefined) => (first && names.includes(first) ? [first, ...names.filter((n) => n !== first)] : names);
  const fromPorts = firstOf(side(fromNode, from.type), from.port);
  const toPorts = firstOf(side(toNode, from.type === "source" ? "target" : "source"), preferred);
  let refused: RefusalReason | null = null;
  // A pair already wired is allowed but changes nothing: a new one is what the person wants.
  let existing: Connection | null = null;
  for (const fromPort of fromPorts) {
    for (const toPort of toPorts) {
      const connection: Connection =
        from.type === "source"
          ? { source: from.nodeId, sourceHandle: fromPort, target: toNodeId, targetHandle: toPort }
          : { source: toNodeId, sourceHandle: toPort, target: from.nodeId, targetHandle: fromPort };
      const check = checkConnection(nodes, edges, connection);
      // "Taken" only says that port was full and the next was tried: another reason says more.
      if (!check.ok) refused = !refused || (refused.code === "taken" && check.reason.code !== "taken") ? check.reason : refused;
      else if (!edges.some((e) => e.source === connection.source && e.sourceHandle === connection.sourceHandle && e.target === connection.target && e.targetHandle === connection.targetHandle)) return { ok: true, connection };
      else existing ??= connection;
    }
  }
  if (existing) return { ok: true, connection: existing };
  return { ok: false, reason: refused ?? { code: "missing-port", port: preferred ?? from.port ?? "" } };
}
