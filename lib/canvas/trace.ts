import type { RunEvent } from "@/lib/flow/run-record";

export type StepStatus = "running" | "succeeded" | "failed" | "skipped";

/** One node's part in the last run, as the trace and the canvas show it. */
export interface TraceStep {
  nodeId: string;
  status: StepStatus;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
  error?: { code: string; message: string };
  durationMs?: number;
  /** Tokens streamed so far, while the node runs. */
  partial?: string;
}

/**
 * Folds one run event into the list of steps (pure, so the trace, the node badges and the
 * "run this node" sample inputs all read the same record).
 * @example steps = applyTraceEvent(steps, { type: "node-started", nodeId: "llm", nodeType: "llm", inputs: {}, at: 0 });
 */
export function applyTraceEvent(steps: TraceStep[], ev: RunEvent): TraceStep[] {
  const upsert = (nodeId: string, patch: Partial<TraceStep>) => {
    const at = steps.findIndex((s) => s.nodeId === nodeId);
    if (at < 0) return [...steps, { nodeId, status: "running", ...patch } as TraceStep];
    const next = steps.slice();
    next[at] = { ...next[at], ...patch };
    return next;
  };
  switch (ev.type) {
    case "node-started":
      return upsert(ev.nodeId, { status: "running", inputs: ev.inputs });
    case "token":
      return upsert(ev.nodeId, { partial: (steps.find((s) => s.nodeId === ev.nodeId)?.partial ?? "") + ev.text });
    case "node-finished":
      return upsert(ev.nodeId, { status: "succeeded", outputs: ev.outputs, durationMs: ev.durationMs });
    case "node-failed":
      return upsert(ev.nodeId, { status: "failed", error: ev.error, durationMs: ev.durationMs });
    case "node-skipped":
      return upsert(ev.nodeId, { status: "skipped" });
    default:
      return steps;
  }
}
