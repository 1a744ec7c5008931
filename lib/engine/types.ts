import type { FlowDocument } from "@/lib/flow/schema";
import type { FlowProblem } from "@/lib/flow/validate";
import type { Locale } from "@/lib/i18n/locale";
import type { NodeContext, RunInput } from "@/nodes/context";
import type { AnyNodeDef } from "@/nodes/define";
import type { DocumentChunk } from "@/nodes/ports";

export type NodeRegistry = Record<string, AnyNodeDef>;

/** What the engine needs from the outside world; the route builds it from providers and the database. */
export type EngineServices = Omit<NodeContext, "signal" | "emitToken" | "run" | "locale">;

export interface RunLimits {
  /** Most node executions in one run. */
  maxSteps: number;
  /** Wall-clock cap for the whole run, in ms. */
  maxRunMs: number;
  /** Default cap for one node, in ms (LLM calls included). */
  nodeTimeoutMs: number;
  /**
   * Largest value one node output (one variable) may hold, in bytes: UTF-8 length of a string,
   * of its JSON otherwise (C14). 1 MiB: what the HTTP node (default maxBytes) and the code node
   * may deliver, where Dify caps variables at 200 KB, which would fail ordinary web pages.
   */
  maxOutputBytes: number;
}

export const defaultLimits: RunLimits = { maxSteps: 500, maxRunMs: 1_200_000, nodeTimeoutMs: 300_000, maxOutputBytes: 1024 * 1024 };

export interface RunOptions {
  registry: NodeRegistry;
  services: EngineServices;
  input: RunInput;
  locale?: Locale;
  signal?: AbortSignal;
  limits?: Partial<RunLimits>;
  /** Injected clock, for tests and benchmarks. */
  now?: () => number;
}

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

export type RunEventType = RunEvent["type"];
export type { FlowDocument };
