import "server-only";
import type { RunEvent } from "@/lib/flow/run-record";
import { redactSecrets } from "@/lib/security/redact";

export interface TraceStep {
  seq: number;
  nodeId: string;
  nodeType: string;
  status: "running" | "succeeded" | "failed" | "skipped";
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
  error: { code: string; message: string } | null;
  startedAt: Date;
  durationMs: number | null;
}

export interface TraceWriterOptions {
  /** Secret values to mask wherever they appear (besides credential-named keys and bearer tokens). */
  knownSecrets?: () => readonly string[];
  /** Called when a batch could not be saved (the database went away): the run may decide to stop. */
  onSaveError?: (error: unknown) => void;
}

/**
 * Turns run events into per-node trace steps and saves them in batches: at most one write per
 * interval, never one per token, and never on the path of the first token. Streamed text is kept
 * in the step's outputs as `partial`, so an answer cut off by a dying model server stays visible.
 *
 * What is saved is redacted (C24): credentials in inputs, outputs and error messages (an HTTP
 * node's `Authorization` header, a bearer token in a prompt, any of `knownSecrets`) are replaced
 * by "[redacted]" before `save` sees them. The live events are not changed: the person running
 * the flow sees their own values; the stored trace, read later and by others, does not keep them.
 */
export class TraceWriter {
  private readonly steps = new Map<string, TraceStep>();
  private readonly dirty = new Set<string>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private writing: Promise<void> = Promise.resolve();
  private seq = 0;

  constructor(
    private readonly save: (steps: TraceStep[]) => Promise<void>,
    private readonly intervalMs = 500,
    private readonly options: TraceWriterOptions = {},
  ) {}

  observe(event: RunEvent): void {
    switch (event.type) {
      case "node-started":
        this.put({ seq: this.seq++, nodeId: event.nodeId, nodeType: event.nodeType, status: "running", inputs: event.inputs, outputs: {}, error: null, startedAt: new Date(event.at), durationMs: null });
        return;
      case "token": {
        const step = this.steps.get(event.nodeId);
        if (!step) return;
        // The step's outputs object is its own until the node finishes: append in place, no copy per token.
        step.outputs.partial = (typeof step.outputs.partial === "string" ? step.outputs.partial : "") + event.text;
        this.touch(event.nodeId);
        return;
      }
      case "node-finished":
        this.update(event.nodeId, { status: "succeeded", outputs: event.outputs, durationMs: event.durationMs });
        return;
      case "node-failed":
        this.update(event.nodeId, { status: "failed", error: event.error, durationMs: event.durationMs });
        return;
      case "node-skipped":
        this.put({ seq: this.seq++, nodeId: event.nodeId, nodeType: event.nodeType, status: "skipped", inputs: {}, outputs: { reason: event.reason }, error: null, startedAt: new Date(event.at), durationMs: 0 });
        return;
      default:
        return;
    }
  }

  /** Writes whatever is pending and waits for it. */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const batch = [...this.dirty].map((id) => this.steps.get(id)!).filter(Boolean);
    this.dirty.clear();
    if (batch.length) {
      this.writing = this.writing
        .catch(() => undefined)
        .then(() => this.save(batch.map((s) => this.redacted(s))))
        .catch((error: unknown) => {
          // Keep the batch for the next flush (e.g. once the database is back), unless newer
          // changes of the same steps are already waiting.
          for (const step of batch) this.dirty.add(step.nodeId);
          this.options.onSaveError?.(error);
          throw error;
        });
    }
    await this.writing;
  }

  /** A copy of the step as it may be stored: no credentials in inputs, outputs or the error. */
  private redacted(step: TraceStep): TraceStep {
    const known = this.options.knownSecrets?.() ?? [];
    return {
      ...step,
      inputs: redactSecrets(step.inputs, known),
      outputs: redactSecrets(step.outputs, known),
      error: step.error ? redactSecrets(step.error, known) : null,
    };
  }

  private put(step: TraceStep): void {
    this.steps.set(step.nodeId, step);
    this.touch(step.nodeId);
  }

  private update(nodeId: string, patch: Partial<TraceStep>): void {
    const step = this.steps.get(nodeId);
    if (!step) return;
    const partial = step.outputs.partial;
    Object.assign(step, patch);
    if (partial !== undefined && patch.status === "failed") step.outputs = { ...step.outputs, partial };
    this.touch(nodeId);
  }

  private touch(nodeId: string): void {
    this.dirty.add(nodeId);
    if (!this.timer) {
      this.timer = setTimeout(() => {
        this.flush().catch((error) => console.error("[trellis] trace write failed", error));
      }, this.intervalMs);
    }
  }
}
