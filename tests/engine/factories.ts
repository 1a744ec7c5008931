import type { RunEvent } from "@/lib/flow/run-record";
import type { EngineServices, RunOptions } from "@/lib/engine/types";
import type { FlowDocument, FlowEdge, FlowNode } from "@/lib/flow/schema";

/** A flow node with defaults filled; `data` is the node's settings. */
export function makeNode(id: string, type: string, data: Record<string, unknown> = {}, extra: Partial<FlowNode> = {}): FlowNode {
  return { id, type, position: { x: 0, y: 0 }, data, ...extra };
}

/**
 * An edge from "source.port" to "target.port"; the id is derived so tests stay short.
 * @example makeEdge("start.message", "answer.text")
 */
export function makeEdge(from: string, to: string, id?: string): FlowEdge {
  const [source, sourceHandle] = from.split(".");
  const [target, targetHandle] = to.split(".");
  return { id: id ?? `${from}->${to}`, source, sourceHandle, target, targetHandle };
}

export function makeFlow(nodes: FlowNode[], edges: FlowEdge[]): FlowDocument {
  return { schemaVersion: 1, nodes, edges };
}

/** Services that fail loudly: engine tests use test nodes that never reach the outside world. */
export const unusedServices: EngineServices = {
  chat: async () => {
    throw new Error("chat is not used in engine tests");
  },
  fetch: async () => {
    throw new Error("fetch is not used in engine tests");
  },
};

export function runOptions(registry: RunOptions["registry"], overrides: Partial<RunOptions> = {}): RunOptions {
  return {
    registry,
    services: unusedServices,
    input: { message: "hello", history: [], variables: {} },
    locale: "en",
    ...overrides,
  };
}

/** Drains a run into an array of events. */
export async function collect(events: AsyncIterable<RunEvent>): Promise<RunEvent[]> {
  const out: RunEvent[] = [];
  for await (const event of events) out.push(event);
  return out;
}

/** "type:nodeId" strings, the shape most ordering assertions read best in. */
export function trace(events: RunEvent[]): string[] {
  return events.map((e) => ("nodeId" in e && e.type !== "token" ? `${e.type}:${e.nodeId}` : e.type === "run-finished" ? `run-finished:${e.status}` : e.type === "token" ? `token:${e.nodeId}` : e.type));
}

export function lastEvent(events: RunEvent[]): RunEvent {
  return events[events.length - 1];
}

export function finished(events: RunEvent[]): Extract<RunEvent, { type: "run-finished" }> {
  const last = lastEvent(events);
  if (last?.type !== "run-finished") throw new Error(`run did not finish; last event: ${JSON.stringify(last)}`);
  return last;
}

export function ofType<T extends RunEvent["type"]>(events: RunEvent[], type: T): Array<Extract<RunEvent, { type: T }>> {
  return events.filter((e): e is Extract<RunEvent, { type: T }> => e.type === type);
}
