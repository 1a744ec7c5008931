import { AppError } from "@/lib/errors";
import { formatMessage } from "@/lib/flow/messages";
import { analyzeFlow } from "@/lib/flow/validate";
import type { Locale } from "@/lib/i18n/locale";
import type { DocumentChunk } from "@/nodes/ports";
import { buildPlan, type NodeSlot, type RunPlan } from "./plan";
import { NodeInvocation, type NodeCallbacks } from "./invoke-node";
import { formatDuration, runMessages } from "./run-messages";
import { defaultLimits, type RunLimits, type RunOptions } from "./types";
import type { Answer, RunError, RunEvent } from "@/lib/flow/run-record";

/** A node whose `run` is in flight. */
interface Execution {
  slot: NodeSlot;
  invocation: NodeInvocation<Execution>;
  startedAt: number;
}

/**
 * The state of one run: a ready-set scheduler over the plan, and an event buffer the
 * `runFlow` generator drains. Every callback (node settled, timer, abort) runs to completion
 * synchronously, so the state needs no locks; events are buffered in the order they happen.
 */
export class FlowRun {
  finished = false;
  private events: RunEvent[] = [];
  private wake: (() => void) | null = null;
  private readonly limits: RunLimits;
  private readonly locale: Locale;
  private readonly mono: () => number;
  private readonly epoch: () => number;
  private readonly inFlight = new Set<Execution>();
  private readonly ready: NodeSlot[] = [];
  private plan: RunPlan = { slots: [], byId: new Map() };
  private runTimer: ReturnType<typeof setTimeout> | undefined;
  private startedAt = 0;
  private steps = 0;
  private failure: RunError | null = null;
  private answer: Answer | undefined;
  private readonly onAbort = () => this.stop("CANCELLED", formatMessage(runMessages.cancelled, this.locale));
  /** One callbacks object for every node call of the run. */
  private readonly callbacks: NodeCallbacks<Execution> = {
    token: (exec, text) => {
      if (!this.finished) this.push({ type: "token", nodeId: exec.slot.id, text, answer: exec.slot.answer });
    },
    done: (exec, outputs) => this.onDone(exec, outputs),
    failed: (exec, error) => this.onError(exec, error),
    tooLarge: (_exec, error) => this.stop("LIMIT_EXCEEDED", error.message),
  };

  constructor(private readonly opts: RunOptions) {
    this.limits = { ...defaultLimits, ...opts.limits };
    this.locale = opts.locale ?? "en";
    this.mono = opts.now ?? (() => performance.now());
    this.epoch = opts.now ?? Date.now;
  }

  /** Validates, emits run-started and starts every node that has no inputs. */
  start(flow: unknown): void {
    this.startedAt = this.mono();
    const analysis = analyzeFlow(flow, this.opts.registry, this.locale);
    const nodes = (flow as { nodes?: unknown } | null)?.nodes;
    this.push({ type: "run-started", at: this.epoch(), nodeCount: Array.isArray(nodes) ? nodes.length : 0 });
    if (analysis.problems.length > 0) {
      const problems = analysis.problems;
      const message = formatMessage(runMessages.invalidFlow, this.locale, { problems: problems.map((p) => p.message).join(" ") });
      this.finish("failed", { code: "INVALID_FLOW", message, problems });
      return;
    }
    if (this.opts.signal?.aborted) return this.onAbort();
    this.opts.signal?.addEventListener("abort", this.onAbort, { once: true });
    this.runTimer = setTimeout(() => this.stopForLimit("maxRunMs"), this.limits.maxRunMs);
    this.plan = buildPlan(analysis);
    for (const slot of this.plan.slots) if (slot.pending === 0) this.ready.push(slot);
    this.pump();
    this.checkDone();
  }

  /** Events buffered since the last call (the generator yields them in order). */
  drain(): RunEvent[] {
    const batch = this.events;
    this.events = [];
    return batch;
  }

  /** Resolves at the next event or when the run finishes. */
  next(): Promise<void> {
    return new Promise((resolve) => (this.wake = resolve));
  }

  /** The consumer went away (or the run ended): abort whatever still runs, release timers. */
  dispose(): void {
    this.finished = true;
    this.abortInFlight("CANCELLED", null);
    this.release();
  }

  private push(event: RunEvent): void {
    this.events.push(event);
    if (this.wake) {
      const wake = this.wake;
      this.wake = null;
      wake();
    }
  }

  private pump(): void {
    while (this.ready.length > 0) {
      const slot = this.ready.shift() as NodeSlot;
      if (this.finished || this.failure) return;
      this.decide(slot);
    }
  }

  /** All inputs are resolved: run the node, or skip it when its branch did not reach it. */
  private decide(slot: NodeSlot): void {
    let live = slot.incoming.length === 0;
    for (const edge of slot.incoming) if (edge.state === "live") live = true;
    for (const port of slot.required) {
      if (!live) break;
      live = slot.incoming.some((edge) => edge.handle === port && edge.state === "live");
    }
    if (!live) return this.skip(slot, "branch-not-taken");
    this.execute(slot);
  }

  private skip(slot: NodeSlot, reason: "branch-not-taken" | "upstream-failed"): void {
    slot.state = "skipped";
    this.push({ type: "node-skipped", at: this.epoch(), nodeId: slot.id, nodeType: slot.checked.def.type, reason });
    if (reason === "branch-not-taken") for (const edge of slot.outgoing) this.settleEdge(edge, undefined);
  }

  private settleEdge(edge: NodeSlot["outgoing"][number], value: unknown): void {
    edge.state = value === undefined ? "dead" : "live";
    edge.value = value;
    if (--edge.to.pending === 0) this.ready.push(edge.to);
  }

  private execute(slot: NodeSlot): void {
    if (this.steps >= this.limits.maxSteps) return this.stopForLimit("maxSteps");
    if (this.mono() - this.startedAt > this.limits.maxRunMs) return this.stopForLimit("maxRunMs");
    this.steps++;
    const inputs: Record<string, unknown> = {};
    for (const edge of slot.incoming) {
      if (edge.state === "live") inputs[edge.handle] = edge.convert ? edge.convert(edge.value) : edge.value;
    }
    slot.state = "running";
    const def = slot.checked.def;
    this.push({ type: "node-started", at: this.epoch(), nodeId: slot.id, nodeType: def.type, inputs });
    const exec: Execution = { slot, invocation: undefined as unknown as NodeInvocation<Execution>, startedAt: this.mono() };
    this.inFlight.add(exec);
    // Callbacks never run synchronously here: the node's result arrives through a promise.
    exec.invocation = new NodeInvocation(
      { checked: slot.checked, inputs, services: this.opts.services, run: this.opts.input, locale: this.locale, limits: this.limits },
      this.callbacks,
      exec,
    );
  }

  /** The node settled: false when the run already ended (its outcome no longer counts). */
  private settle(exec: Execution): boolean {
    if (this.finished) return false;
    this.inFlight.delete(exec);
    return true;
  }

  private onDone(exec: Execution, values: Record<string, unknown>): void {
    if (!this.settle(exec)) return;
    const { slot } = exec;
    slot.state = "done";
    const def = slot.checked.def;
    this.push({ type: "node-finished", at: this.epoch(), nodeId: slot.id, nodeType: def.type, outputs: values, durationMs: this.mono() - exec.startedAt });
    if (def.terminal && !this.answer) {
      const text = values.text;
      const citations = Array.isArray(values.citations) ? (values.citations as DocumentChunk[]) : [];
      this.answer = { text: typeof text === "string" ? text : text === undefined || text === null ? "" : String(text), citations };
    }
    for (const edge of slot.outgoing) this.settleEdge(edge, values[edge.sourceHandle]);
    this.pump();
    this.checkDone();
  }

  private onError(exec: Execution, runError: RunError): void {
    if (!this.settle(exec)) return;
    const { slot } = exec;
    slot.state = "failed";
    this.push({ type: "node-failed", at: this.epoch(), nodeId: slot.id, nodeType: slot.checked.def.type, error: runError, durationMs: this.mono() - exec.startedAt });
    this.failure ??= runError;
    this.skipDownstream(slot);
    this.checkDone();
  }

  /** Marks every waiting node below a failed one as skipped, in topological order. */
  private skipDownstream(failed: NodeSlot): void {
    const below = new Set<NodeSlot>();
    const stack = [failed];
    while (stack.length > 0) {
      for (const edge of (stack.pop() as NodeSlot).outgoing) {
        if (below.has(edge.to)) continue;
        below.add(edge.to);
        stack.push(edge.to);
      }
    }
    for (const slot of this.plan.slots) {
      if (below.has(slot) && slot.state === "waiting") this.skip(slot, "upstream-failed");
    }
  }

  private checkDone(): void {
    if (this.finished || this.inFlight.size > 0 || this.ready.length > 0) return;
    if (this.failure) return this.finish("failed", this.failure);
    if (this.answer) return this.finish("succeeded", undefined, this.answer);
    this.finish("failed", { code: "NO_ANSWER", message: formatMessage(runMessages.noAnswer, this.locale) });
  }

  private stopForLimit(limit: "maxSteps" | "maxRunMs"): void {
    const message =
      limit === "maxSteps"
        ? formatMessage(runMessages.maxSteps, this.locale, { n: this.limits.maxSteps })
        : formatMessage(runMessages.maxRunMs, this.locale, { duration: formatDuration(this.limits.maxRunMs, this.locale) });
    this.stop("LIMIT_EXCEEDED", message);
  }

  /** Ends the run now (cancellation, limits): in-flight nodes are aborted and reported failed. */
  private stop(code: "CANCELLED" | "LIMIT_EXCEEDED", message: string): void {
    if (this.finished) return;
    const error: RunError = { code, message };
    this.abortInFlight(code, error);
    this.finish(code === "CANCELLED" ? "cancelled" : "failed", error);
  }

  private abortInFlight(code: string, report: RunError | null): void {
    for (const exec of [...this.inFlight]) {
      this.inFlight.delete(exec);
      exec.invocation.abort(new AppError(code, report?.message ?? code));
      if (report) {
        const { slot } = exec;
        slot.state = "failed";
        this.push({ type: "node-failed", at: this.epoch(), nodeId: slot.id, nodeType: slot.checked.def.type, error: report, durationMs: this.mono() - exec.startedAt });
      }
    }
  }

  private finish(status: "succeeded" | "failed" | "cancelled", error?: RunError, answer?: Answer): void {
    if (this.finished) return;
    this.push({ type: "run-finished", at: this.epoch(), status, ...(answer ? { answer } : {}), ...(error ? { error } : {}), durationMs: this.mono() - this.startedAt });
    this.finished = true;
    this.release();
  }

  private release(): void {
    clearTimeout(this.runTimer);
    this.opts.signal?.removeEventListener("abort", this.onAbort);
  }
}
