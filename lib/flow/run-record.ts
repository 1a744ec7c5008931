import type { FlowProblem } from "./validate";
import type { DocumentChunk } from "@/nodes/ports";

/*
 * What a run leaves behind: the events the engine yields, the answer and the error. They live
 * with the flow document, not with the executor, because the database stores them, the browser
 * reads them and the engine produces them; none of those should depend on another.
 */

export interface RunError {
  /** Stable code: NODE_FAILED, NODE_TIMEOUT, LIMIT_EXCEEDED, CANCELLED, INVALID_FLOW, … */
  code: string;
  message: string;
  /** The node that failed or timed out (NODE_FAILED, NODE_TIMEOUT, AppError codes). */
  nodeId?: string;
  /** Every validation problem, when the flow could not run (INVALID_FLOW). */
  problems?: FlowProblem[];
}

export interface Answer {
  text: string;
  citations: DocumentChunk[];
}

/**
 * Events a run yields, in order. The same stream feeds the test panel, the chat page,
 * the widget and the API (as server-sent events).
 */
export type RunEvent =
  | { type: "run-started"; at: number; nodeCount: number }
  | { type: "node-started"; at: number; nodeId: string; nodeType: string; inputs: Record<string, unknown> }
  | { type: "token"; nodeId: string; text: string; /** these tokens are the answer itself */ answer: boolean }
  | { type: "node-finished"; at: number; nodeId: string; nodeType: string; outputs: Record<string, unknown>; durationMs: number }
  | { type: "node-skipped"; at: number; nodeId: string; nodeType: string; reason: "branch-not-taken" | "upstream-failed" }
  | { type: "node-failed"; at: number; nodeId: string; nodeType: string; error: RunError; durationMs: number }
  | {
      type: "run-finished";
      at: number;
      status: "succeeded" | "failed" | "cancelled";
      answer?: Answer;
      error?: RunError;
      durationMs: number;
    };
