import { AppError, errorMessage, isAppError } from "@/lib/errors";
import { formatMessage } from "@/lib/flow/messages";
import type { RunError } from "@/lib/flow/run-record";
import type { CheckedNode } from "@/lib/flow/validate";
import type { Locale } from "@/lib/i18n/locale";
import type { NodeContext, RunInput } from "@/nodes/context";
import { formatDuration, runMessages } from "./run-messages";
import type { EngineServices, RunLimits } from "./types";

/** A node output larger than `maxOutputBytes` ends the run. */
const outputTooLarge = {
  en: '"{node}" produced an output "{port}" of {size} bytes, more than one variable may hold ({n} bytes, limit: maxOutputBytes); the run was stopped.',
  zh: "“{node}”的输出“{port}”有 {size} 字节，超过单个变量的上限（{n} 字节，限制：maxOutputBytes），运行已停止。",
};

/** UTF-8 bytes of a string, of its JSON otherwise: the size as stored and sent (C14). */
function byteSize(value: unknown): number {
  try {
    return Buffer.byteLength(typeof value === "string" ? value : (JSON.stringify(value) ?? ""));
  } catch {
    return 0; // Not JSON (a cycle): nothing can grow without bound through it.
  }
}

/** One call of a node's `run`: what it runs on and under which limits. */
export interface NodeCall {
  checked: CheckedNode;
  inputs: Record<string, unknown>;
  services: EngineServices;
  run: RunInput;
  locale: Locale;
  limits: Pick<RunLimits, "nodeTimeoutMs" | "maxOutputBytes">;
}

/**
 * How a call ends: exactly one of `done`, `failed` and `tooLarge` is called, and no token after
 * it. Each gets the `tag` the call was made with, so one callbacks object can serve every call of
 * a run (no closures per node on the engine's hot path).
 */
export interface NodeCallbacks<T> {
  token(tag: T, text: string): void;
  done(tag: T, outputs: Record<string, unknown>): void;
  failed(tag: T, error: RunError): void;
  /** An output over maxOutputBytes (LIMIT_EXCEEDED): in a flow it ends the whole run, not just the node. */
  tooLarge(tag: T, error: RunError): void;
}

/**
 * Runs one node once: builds its context, starts the per-node timeout, aborts its signal on
 * timeout, checks that it returned outputs within the size limit and turns whatever it threw
 * into a `RunError` in the person's language. The flow executor (flow-run.ts) and the
 * single-node run (run-node.ts) both use it, so a node debugged alone meets the same limits
 * and reads the same errors as in a flow. Callbacks, not a promise: the flow executor's state
 * changes run synchronously in them (see FlowRun).
 * @example
 * const call = new NodeInvocation({ checked, inputs, services, run, locale: "en", limits: defaultLimits }, callbacks, exec);
 */
export class NodeInvocation<T = unknown> {
  settled = false;
  private readonly controller = new AbortController();
  private readonly timer: ReturnType<typeof setTimeout>;

  constructor(
    private readonly call: NodeCall,
    private readonly on: NodeCallbacks<T>,
    private readonly tag: T,
  ) {
    this.timer = setTimeout(() => this.timeout(), call.limits.nodeTimeoutMs);
    const ctx: NodeContext = {
      ...call.services,
      signal: this.controller.signal,
      locale: call.locale,
      run: call.run,
      emitToken: (text: string) => {
        if (!this.settled) on.token(tag, text);
      },
    };
    let result: Promise<Record<string, unknown>>;
    try {
      result = call.checked.def.run({ config: call.checked.config, inputs: call.inputs, ctx });
    } catch (error) {
      result = Promise.reject(error);
    }
    Promise.resolve(result).then(
      (outputs: unknown) => this.outputs(outputs),
      (error: unknown) => this.fail(error),
    );
  }

  /** Ends the call without a callback (the run was cancelled or stopped) and aborts the node's signal. */
  abort(reason: AppError): void {
    this.settle();
    if (!this.controller.signal.aborted) this.controller.abort(reason);
  }

  private settle(): boolean {
    if (this.settled) return false;
    this.settled = true;
    clearTimeout(this.timer);
    return true;
  }

  private fail(error: unknown): void {
    const { checked, locale } = this.call;
    if (this.settle()) this.on.failed(this.tag, nodeError(error, checked.node.id, checked.name, locale));
  }

  private timeout(): void {
    const error = timeoutError(this.call.checked.name, this.call.limits.nodeTimeoutMs);
    this.controller.abort(error);
    this.fail(error);
  }

  private outputs(outputs: unknown): void {
    if (this.settled) return;
    if (typeof outputs !== "object" || outputs === null || Array.isArray(outputs)) return this.fail(new AppError("NODE_FAILED", runMessages.badOutputs));
    const values = outputs as Record<string, unknown>;
    const { checked, limits, locale } = this.call;
    for (const port of Object.keys(values)) {
      const size = byteSize(values[port]);
      if (size <= limits.maxOutputBytes) continue;
      this.settle();
      const vars = { node: checked.name, port, size, n: limits.maxOutputBytes };
      return this.on.tooLarge(this.tag, { code: "LIMIT_EXCEEDED", message: formatMessage(outputTooLarge, locale, vars), nodeId: checked.node.id });
    }
    if (this.settle()) this.on.done(this.tag, values);
  }
}

function timeoutError(node: string, ms: number): AppError {
  return new AppError("NODE_TIMEOUT", {
    en: formatMessage(runMessages.nodeTimeout, "en", { node, duration: formatDuration(ms, "en") }),
    zh: formatMessage(runMessages.nodeTimeout, "zh", { node, duration: formatDuration(ms, "zh") }),
  });
}

/** What a node threw, as the person reads it: a timeout or cancellation as such, anything else as "<node> failed: …". */
function nodeError(error: unknown, nodeId: string, node: string, locale: Locale): RunError {
  const code = isAppError(error) ? error.code : "NODE_FAILED";
  const detail = errorMessage(error, locale);
  const message = code === "NODE_TIMEOUT" || code === "CANCELLED" ? detail : formatMessage(runMessages.nodeFailed, locale, { node, detail });
  return { code, message, nodeId };
}
