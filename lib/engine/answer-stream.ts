import type { FlowGraph } from "@/lib/flow/graph";
import type { CheckedNode } from "@/lib/flow/validate";

/**
 * Which streaming nodes (those with a `streamPort`, i.e. LLMs) produce tokens that already are
 * the answer: their stream output reaches an answer node's `text` input unchanged — directly or
 * through nodes whose `passthrough` maps the receiving input to an output — and that `text`
 * input has exactly one connection. Their tokens can go to the chat at once; other tokens only
 * show progress, because something transforms the text before it is answered.
 * @example answerStreamingNodes(graph, nodes).has("llm") // true for start → llm → answer
 */
export function answerStreamingNodes(graph: FlowGraph, nodes: Map<string, CheckedNode>): Set<string> {
  const result = new Set<string>();
  for (const [id, checked] of nodes) {
    const port = checked.def.streamPort;
    if (port && reachesAnswer(graph, nodes, id, port)) result.add(id);
  }
  return result;
}

function passthroughOf(checked: CheckedNode): Record<string, string | string[]> | undefined {
  if (!checked.def.passthrough) return undefined;
  try {
    return checked.def.passthrough(checked.config);
  } catch {
    return undefined; // a passthrough that cannot read its settings passes nothing through
  }
}

function reachesAnswer(graph: FlowGraph, nodes: Map<string, CheckedNode>, nodeId: string, port: string): boolean {
  const seen = new Set<string>();
  const stack: Array<[string, string]> = [[nodeId, port]];
  while (stack.length > 0) {
    const [id, out] = stack.pop() as [string, string];
    const key = `${id}\u0000${out}`;
    if (seen.has(key)) continue;
    seen.add(key);
    for (const edge of graph.outgoing.get(id) ?? []) {
      if (edge.sourceHandle !== out) continue;
      const target = nodes.get(edge.target);
      if (!target) continue;
      if (target.def.terminal && edge.targetHandle === "text") {
        const intoText = (graph.incoming.get(edge.target) ?? []).filter((e) => e.targetHandle === "text").length;
        if (intoText === 1) return true;
        continue;
      }
      // A condition passes its input to every branch output; the text may continue along any.
      const next = passthroughOf(target)?.[edge.targetHandle];
      for (const output of next === undefined ? [] : ([] as string[]).concat(next)) stack.push([edge.target, output]);
    }
  }
  return false;
}
