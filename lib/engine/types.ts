import type { FlowDocument } from "@/lib/flow/schema";
import type { Locale } from "@/lib/i18n/locale";
import type { NodeContext, RunInput } from "@/nodes/context";
import type { NodeRegistry } from "@/nodes/define";

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

export type { FlowDocument };
