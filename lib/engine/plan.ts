import type { FlowEdge } from "@/lib/flow/schema";
import type { CheckedNode, FlowAnalysis } from "@/lib/flow/validate";
import { answerStreamingNodes } from "./answer-stream";
import { converterFor, type Converter } from "./convert";
import { topologicalOrder } from "@/lib/flow/graph";

/** pending until the source settles; live carries a value; dead belongs to a branch not taken. */
export type EdgeState = "pending" | "live" | "dead";
export type NodeState = "waiting" | "running" | "done" | "skipped" | "failed";

/** One edge during a run: pending until its source settles, then live (with a value) or dead. */
export interface EdgeSlot {
  edge: FlowEdge;
  to: NodeSlot;
  handle: string;
  sourceHandle: string;
  convert: Converter | null;
  state: EdgeState;
  value: unknown;
}

/** One node during a run, with everything the scheduler needs precomputed. */
export interface NodeSlot {
  id: string;
  checked: CheckedNode;
  incoming: EdgeSlot[];
  outgoing: EdgeSlot[];
  /** Incoming edges not yet live or dead; the node is decided when this reaches 0. */
  pending: number;
  /** Required input ports with at least one edge: all-dead means the branch did not reach it. */
  required: string[];
  /** Its tokens are the answer itself (see answer-stream.ts). */
  answer: boolean;
  state: NodeState;
}

export interface RunPlan {
  /** Slots in topological order. */
  slots: NodeSlot[];
  byId: Map<string, NodeSlot>;
}

/**
 * Turns a validated analysis into mutable per-run slots. Done once per run, so the scheduler
 * never looks anything up by string while nodes execute.
 * @example const plan = buildPlan(analysis); plan.slots[0].id // the start node
 */
export function buildPlan(analysis: FlowAnalysis): RunPlan {
  const graph = analysis.graph;
  if (!graph) throw new Error("buildPlan needs a validated flow");
  const streaming = answerStreamingNodes(graph, analysis.nodes);
  const byId = new Map<string, NodeSlot>();
  const slots: NodeSlot[] = [];
  for (const id of topologicalOrder(graph)) {
    const checked = analysis.nodes.get(id) as CheckedNode;
    const slot: NodeSlot = { id, checked, incoming: [], outgoing: [], pending: 0, required: [], answer: streaming.has(id), state: "waiting" };
    byId.set(id, slot);
    slots.push(slot);
  }
  for (const edge of graph.edges) {
    const from = byId.get(edge.source) as NodeSlot;
    const to = byId.get(edge.target) as NodeSlot;
    const fromKind = from.checked.ports?.outputs[edge.sourceHandle]?.kind ?? "any";
    const toKind = to.checked.ports?.inputs[edge.targetHandle]?.kind ?? "any";
    const slot: EdgeSlot = { edge, to, handle: edge.targetHandle, sourceHandle: edge.sourceHandle, convert: converterFor(fromKind, toKind), state: "pending", value: undefined };
    from.outgoing.push(slot);
    to.incoming.push(slot);
    to.pending++;
  }
  for (const slot of slots) {
    const inputs = slot.checked.ports?.inputs ?? {};
    const connected = new Set(slot.incoming.map((e) => e.handle));
    slot.required = Object.keys(inputs).filter((port) => inputs[port].required && connected.has(port));
  }
  return { slots, byId };
}
