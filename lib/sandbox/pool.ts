import { availableParallelism } from "node:os";
import { sandboxError } from "./errors";
import { SandboxHost, sandboxFile, type SandboxThread } from "./host-process";
import { defaultSandboxLimits, type SandboxFailure, type SandboxHostInfo, type SandboxLimits, type SandboxRequest, type SandboxResult, type WorkerJob, type WorkerMessage } from "./types";

export interface SandboxPoolOptions {
  /** Worker threads kept at most (each loads its own QuickJS module). Default: 2–4 by CPU count. */
  size?: number;
  limits?: Partial<SandboxLimits>;
  /** The worker script, run in the sandbox host process (which may read its folder); defaults to lib/sandbox/worker.mjs. */
  workerFile?: string;
}

export interface SandboxStats {
  workers: number;
  busy: number;
  queued: number;
  /** Worker threads started since the pool was created (replacements included). */
  spawned: number;
  /** Sandbox host processes started since the pool was created (replacements included). */
  hosts: number;
  /** Worker threads killed by the wall-clock guard or a cancellation. */
  killed: number;
  runs: number;
}

interface Pending {
  job: Omit<WorkerJob, "id">;
  request: SandboxRequest;
  resolve: (result: SandboxResult) => void;
  reject: (error: Error) => void;
  onAbort?: () => void;
}

interface Slot {
  worker: SandboxThread;
  ready: boolean;
  gone: boolean;
  running?: Pending & { id: number; guard: NodeJS.Timeout };
  startTimer?: NodeJS.Timeout;
  /** Settles when the worker has loaded QuickJS (true) or is gone (false). */
  started: Promise<boolean>;
  markStarted: (ok: boolean) => void;
}

/**
 * Runs user code on a small pool of worker threads, each with its own QuickJS WebAssembly module,
 * inside one separate sandbox host process (./host-process.ts: no environment, Node's permission
 * model, no write access, `nobody` when the server is root). Why threads: QuickJS is synchronous,
 * so one script must not hold up the others. Why another process: QuickJS is the first wall, the
 * process the second; a QuickJS or V8 escape lands where there is nothing to read, write or
 * spawn. Why a wall-clock guard on top of QuickJS's own deadline: if anything ever keeps the
 * interpreter from checking its deadline, the thread is terminated and replaced, and the run
 * fails with SANDBOX_TIMEOUT. If the host process dies, its runs fail with SANDBOX_CRASHED and
 * the next run starts a new one. Nothing starts until the first run (creating a pool has no side
 * effects).
 * @example
 * const pool = new SandboxPool({ size: 2 });
 * const { outputs } = await pool.run({ source: "function main(i) { return { n: i.n + 1 } }", inputs: { n: 1 }, timeoutMs: 5000, memoryBytes: 64 << 20, maxOutputBytes: 1 << 20 });
 */
export class SandboxPool {
  private readonly size: number;
  private readonly limits: SandboxLimits;
  private readonly host: SandboxHost;
  private readonly slots: Slot[] = [];
  private readonly queue: Pending[] = [];
  private nextId = 1;
  private startFailures = 0;
  private closed = false;
  private counters = { spawned: 0, killed: 0, runs: 0 };

  constructor(options: SandboxPoolOptions = {}) {
    this.size = Math.max(1, options.size ?? Math.min(4, Math.max(2, availableParallelism())));
    this.limits = { ...defaultSandboxLimits, ...options.limits };
    this.host = new SandboxHost({ workerFile: options.workerFile ?? sandboxFile("worker.mjs"), heapMb: this.limits.hostHeapMb, terminateMs: this.limits.hostTerminateMs });
  }

  /** Runs `main(inputs)` of the source; rejects with a localized AppError (SANDBOX_* code) on any failure. */
  run(request: SandboxRequest): Promise<SandboxResult> {
    const limits = { timeoutMs: request.timeoutMs, memoryBytes: request.memoryBytes, maxOutputBytes: request.maxOutputBytes };
    if (this.closed) return Promise.reject(sandboxError({ code: "SANDBOX_UNAVAILABLE", detail: "the sandbox was shut down" }));
    if (request.signal?.aborted) return Promise.reject(sandboxError({ code: "SANDBOX_CANCELLED" }));
    let inputsJson: string;
    try {
      inputsJson = JSON.stringify(request.inputs ?? {});
    } catch (error) {
      return Promise.reject(sandboxError({ code: "SANDBOX_INPUT_INVALID", detail: error instanceof Error ? error.message : String(error) }, limits));
    }
    if (Buffer.byteLength(inputsJson) > this.limits.maxInputBytes) {
      return Promise.reject(sandboxError({ code: "SANDBOX_INPUT_INVALID", detail: `larger than ${this.limits.maxInputBytes} bytes` }, limits));
    }
    if (this.queue.length >= this.limits.maxQueue) return Promise.reject(sandboxError({ code: "SANDBOX_BUSY" }));
    return new Promise<SandboxResult>((resolve, reject) => {
      const pending: Pending = {
        job: { source: request.source, inputsJson, timeoutMs: request.timeoutMs, memoryBytes: request.memoryBytes, maxOutputBytes: request.maxOutputBytes, stackBytes: this.limits.stackBytes },
        request,
        resolve,
        reject,
      };
      if (request.signal) {
        pending.onAbort = () => this.cancel(pending);
        request.signal.addEventListener("abort", pending.onAbort, { once: true });
      }
      this.queue.push(pending);
      this.pump();
    });
  }

  /** Starts every worker and waits until each has loaded QuickJS (benchmarks, eager servers). */
  async warm(): Promise<void> {
    while (this.slots.length < this.size) this.spawn();
    const started = await Promise.all(this.slots.map((slot) => slot.started));
    if (!started.every(Boolean)) throw sandboxError({ code: "SANDBOX_UNAVAILABLE", detail: "a worker did not start" });
  }

  stats(): SandboxStats {
    return { workers: this.slots.length, busy: this.slots.filter((s) => s.running).length, queued: this.queue.length, hosts: this.host.starts, ...this.counters };
  }

  /**
   * What the running sandbox host process reported about itself (pid, uid, environment variable
   * names, permissions); undefined before the first thread is up or after the host died.
   */
  hostInfo(): SandboxHostInfo | undefined {
    return this.host.info();
  }

  /** Terminates every worker and the host process; queued and running runs fail with SANDBOX_UNAVAILABLE. */
  async close(): Promise<void> {
    this.closed = true;
    for (const pending of this.queue.splice(0)) this.settle(pending, sandboxError({ code: "SANDBOX_UNAVAILABLE", detail: "the sandbox was shut down" }));
    await Promise.all(this.slots.splice(0).map((slot) => this.retire(slot, { code: "SANDBOX_UNAVAILABLE", detail: "the sandbox was shut down" })));
    await this.host.close();
  }

  private pump(): void {
    while (this.queue.length > 0) {
      const idle = this.slots.find((slot) => slot.ready && !slot.running && !slot.gone);
      if (!idle) break;
      this.dispatch(idle, this.queue.shift() as Pending);
    }
    const starting = this.slots.filter((slot) => !slot.ready).length;
    let wanted = Math.min(this.queue.length - starting, this.size - this.slots.length);
    try {
      while (wanted-- > 0 && !this.closed) this.spawn();
    } catch (error) {
      // The host process could not be launched at all (no temporary folder, spawn refused).
      if (this.slots.length === 0) {
        const detail = error instanceof Error ? error.message : String(error);
        for (const pending of this.queue.splice(0)) this.settle(pending, sandboxError({ code: "SANDBOX_UNAVAILABLE", detail }));
      }
    }
  }

  private spawn(): void {
    // A thread in the sandbox host process (started first if none is running); see host.mjs for
    // the thread's own limits (empty environment, heap and stack caps).
    const worker = this.host.thread();
    let markStarted: (ok: boolean) => void = () => undefined;
    const started = new Promise<boolean>((resolve) => (markStarted = resolve));
    const slot: Slot = { worker, ready: false, gone: false, started, markStarted };
    this.counters.spawned++;
    slot.startTimer = setTimeout(() => void this.retire(slot, { code: "SANDBOX_UNAVAILABLE", detail: "the worker did not start in time" }), this.limits.startupTimeoutMs);
    slot.startTimer.unref();
    worker.on("message", (message: WorkerMessage) => this.onMessage(slot, message));
    worker.on("error", (error) => void this.retire(slot, { code: slot.ready ? "SANDBOX_CRASHED" : "SANDBOX_UNAVAILABLE", detail: error.message }));
    worker.on("exit", (exitCode) => void this.retire(slot, { code: "SANDBOX_CRASHED", detail: `worker exited with code ${exitCode}` }));
    this.slots.push(slot);
  }

  private onMessage(slot: Slot, message: WorkerMessage): void {
    if (slot.gone) return;
    if (message.type === "ready") {
      slot.ready = true;
      slot.markStarted(true);
      this.startFailures = 0;
      clearTimeout(slot.startTimer);
      slot.worker.unref();
      this.pump();
      return;
    }
    const running = slot.running;
    if (!running || running.id !== message.id) return;
    clearTimeout(running.guard);
    slot.running = undefined;
    slot.worker.unref();
    if (message.ok) {
      let outputs: Record<string, unknown>;
      try {
        outputs = JSON.parse(message.outputsJson) as Record<string, unknown>;
      } catch {
        this.settle(running, sandboxError({ code: "SANDBOX_BAD_RESULT", detail: "the result is not valid JSON" }));
        this.pump();
        return;
      }
      this.settle(running, undefined, { outputs, logs: message.logs });
    } else {
      this.settle(running, sandboxError(message.failure, running.job));
    }
    this.pump();
  }

  private dispatch(slot: Slot, pending: Pending): void {
    const id = this.nextId++;
    const guard = setTimeout(() => {
      this.counters.killed++;
      void this.retire(slot, { code: "SANDBOX_TIMEOUT" });
    }, pending.job.timeoutMs + this.limits.killGraceMs);
    slot.running = { ...pending, id, guard };
    this.counters.runs++;
    slot.worker.ref();
    slot.worker.postMessage({ ...pending.job, id } satisfies WorkerJob);
  }

  private cancel(pending: Pending): void {
    const queued = this.queue.indexOf(pending);
    if (queued >= 0) {
      this.queue.splice(queued, 1);
      this.settle(pending, sandboxError({ code: "SANDBOX_CANCELLED" }));
      return;
    }
    const slot = this.slots.find((s) => s.running?.resolve === pending.resolve);
    if (slot) {
      this.counters.killed++;
      void this.retire(slot, { code: "SANDBOX_CANCELLED" });
    }
  }

  /** Removes a worker for good (killed, crashed, shut down); its run fails with `failure`. */
  private async retire(slot: Slot, failure: SandboxFailure): Promise<void> {
    if (slot.gone) return;
    slot.gone = true;
    slot.markStarted(false);
    clearTimeout(slot.startTimer);
    const index = this.slots.indexOf(slot);
    if (index >= 0) this.slots.splice(index, 1);
    const running = slot.running;
    slot.running = undefined;
    if (running) {
      clearTimeout(running.guard);
      this.settle(running, sandboxError(failure, running.job));
    }
    if (!slot.ready && failure.code !== "SANDBOX_UNAVAILABLE") failure = { code: "SANDBOX_UNAVAILABLE", detail: failure.detail };
    if (!slot.ready && ++this.startFailures >= 3) {
      // Workers cannot start at all (missing WebAssembly file…): fail fast instead of respawning forever.
      for (const pending of this.queue.splice(0)) this.settle(pending, sandboxError(failure));
      this.startFailures = 0;
    }
    const terminated = slot.worker.terminate().catch(() => undefined);
    this.pump();
    await terminated;
  }

  private settle(pending: Pending, error?: Error, result?: SandboxResult): void {
    if (pending.onAbort) pending.request.signal?.removeEventListener("abort", pending.onAbort);
    if (error) pending.reject(error);
    else pending.resolve(result as SandboxResult);
  }
}
