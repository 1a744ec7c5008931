import type { FlowDocument, FlowEdge, FlowNode } from "@/lib/flow/schema";

/**
 * The saved `{ nodes, edges }` JSON turned into lookups the validator and the executor share,
 * so neither scans the edge list per node (that would make a 2000-node flow quadratic).
 */
export interface FlowGraph {
  /** Nodes by id, in document order. With duplicate ids the first occurrence wins. */
  nodes: Map<string, FlowNode>;
  /** Edges whose source and target both exist, keyed by target node id (document order). */
  incoming: Map<string, FlowEdge[]>;
  /** Edges whose source and target both exist, keyed by source node id (document order). */
  outgoing: Map<string, FlowEdge[]>;
  /** Every edge whose two ends exist; edges to missing nodes are left to the validator to report. */
  edges: FlowEdge[];
}

const none: readonly FlowEdge[] = Object.freeze([]);

/**
 * Builds adjacency lists once per flow. Every node gets an (possibly empty) entry.
 * @example
 * const g = buildGraph({ nodes: [a, b], edges: [{ id: "e", source: "a", sourceHandle: "out", target: "b", targetHandle: "in" }] });
 * g.outgoing.get("a")![0].target // "b"
 */
export function buildGraph(doc: Pick<FlowDocument, "nodes" | "edges">): FlowGraph {
  const nodes = new Map<string, FlowNode>();
  const incoming = new Map<string, FlowEdge[]>();
  const outgoing = new Map<string, FlowEdge[]>();
  for (const node of doc.nodes) {
    if (nodes.has(node.id)) continue;
    nodes.set(node.id, node);
    incoming.set(node.id, []);
    outgoing.set(node.id, []);
  }
  const edges: FlowEdge[] = [];
  for (const edge of doc.edges) {
    const out = outgoing.get(edge.source);
    const inc = incoming.get(edge.target);
    if (!out || !inc) continue;
    out.push(edge);
    inc.push(edge);
    edges.push(edge);
  }
  return { nodes, incoming, outgoing, edges };
}

/** Outgoing edges of a node (empty for unknown ids), without allocating. */
export function outgoingOf(graph: FlowGraph, nodeId: string): readonly FlowEdge[] {
  return graph.outgoing.get(nodeId) ?? none;
}

/**
 * Kahn's algorithm, stable in document order so traces and skip events come out predictably.
 * Nodes on a cycle (and everything only reachable through one) are left out: a result shorter
 * than `graph.nodes.size` means the flow has a cycle — use `findCycle` to name it.
 * @example topologicalOrder(buildGraph(doc)) // ["start", "retriever", "llm", "answer"]
 */
export function topologicalOrder(graph: FlowGraph): string[] {
  const pending = new Map<string, number>();
  const order: string[] = [];
  for (const [id, edges] of graph.incoming) {
    pending.set(id, edges.length);
    if (edges.length === 0) order.push(id);
  }
  for (let i = 0; i < order.length; i++) {
    for (const edge of outgoingOf(graph, order[i])) {
      const left = (pending.get(edge.target) ?? 0) - 1;
      pending.set(edge.target, left);
      if (left === 0) order.push(edge.target);
    }
  }
  return order;
}

/**
 * Finds one cycle and returns its nodes in edge order (the last node feeds the first), or null.
 * Iterative depth-first search, so a long chain cannot overflow the call stack.
 * @example findCycle(buildGraph(loopDoc)) // ["a", "b", "c"] for a → b → c → a
 */
export function findCycle(graph: FlowGraph): string[] | null {
  const state = new Map<string, 1 | 2>(); // 1 = on the current path, 2 = fully explored
  for (const root of graph.nodes.keys()) {
    if (state.has(root)) continue;
    const path: string[] = [root];
    const cursor: number[] = [0];
    state.set(root, 1);
    while (path.length > 0) {
      const top = path.length - 1;
      const id = path[top];
      const edges = outgoingOf(graph, id);
      if (cursor[top] >= edges.length) {
        state.set(id, 2);
        path.pop();
        cursor.pop();
        continue;
      }
      const next = edges[cursor[top]++].target;
      const seen = state.get(next);
      if (seen === 1) return path.slice(path.indexOf(next));
      if (seen === undefined) {
        state.set(next, 1);
        path.push(next);
        cursor.push(0);
      }
    }
  }
  return null;
}

/**
 * Every node reachable by following edges forward from the given nodes (the starts included).
 * The validator uses it for "answer node cannot be reached", the executor for "downstream of a failure".
 * @example reachableFrom(graph, "start").has("answer") // true when the answer is wired in
 */
export function reachableFrom(graph: FlowGraph, from: string | Iterable<string>): Set<string> {
  const seen = new Set<string>();
  const stack: string[] = [];
  for (const id of typeof from === "string" ? [from] : from) {
    if (graph.nodes.has(id) && !seen.has(id)) {
      seen.add(id);
      stack.push(id);
    }
  }
  while (stack.length > 0) {
    const id = stack.pop() as string;
    for (const edge of outgoingOf(graph, id)) {
      if (seen.has(edge.target)) continue;
      seen.add(edge.target);
      stack.push(edge.target);
    }
  }
  return seen;
}
