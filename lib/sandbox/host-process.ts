import { execFileSync, spawn, type ChildProcess, type SpawnOptions } from "node:child_process";
import { EventEmitter } from "node:events";
import { chmodSync, existsSync, mkdtempSync, readFileSync, realpathSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import type { Socket } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { HostEvent, HostRequest, SandboxHostInfo, WorkerJob, WorkerMessage } from "./types";

/**
 * A worker thread as the pool uses it: the part of worker_threads.Worker it needs, here a thread
 * living in the sandbox host process.
 */
export interface SandboxThread {
  postMessage(job: WorkerJob): void;
  /** Stops the thread; settles once the host confirms it (or the host is gone). */
  terminate(): Promise<void>;
  ref(): void;
  unref(): void;
  on(event: "message", listener: (message: WorkerMessage) => void): this;
  on(event: "error", listener: (error: Error) => void): this;
  on(event: "exit", listener: (exitCode: number) => void): this;
}

/** The packages QuickJS is loaded from; the host may read these and nothing else of node_modules. */
const quickjsPackages = ["quickjs-emscripten", "quickjs-emscripten-core", "@jitl/quickjs-ffi-types", "@jitl/quickjs-wasmfile-release-sync"];

/**
 * A file of lib/sandbox: next to this module (tsx, vitest, node), else under the working directory
 * (a bundled server, where this module lives in a build chunk). The path is computed, not written
 * as `new URL("./host.mjs", import.meta.url)`, so bundlers leave host.mjs, worker.mjs and
 * quickjs-run.mjs together instead of copying one of them away from the others.
 * @example sandboxFile("worker.mjs") // "/srv/trellis/lib/sandbox/worker.mjs"
 */
export function sandboxFile(name: string): string {
  const beside = path.join(path.dirname(fileURLToPath(import.meta.url)), name);
  return existsSync(beside) ? beside : path.join(process.cwd(), "lib", "sandbox", name);
}

/** The folder of an installed package, found by resolving it from `fromFile` (works for npm and pnpm layouts). */
function packageDir(fromFile: string, name: string): string | undefined {
  try {
    const entry = realpathSync(createRequire(fromFile).resolve(name));
    const marker = `${path.sep}node_modules${path.sep}${name.split("/").join(path.sep)}${path.sep}`;
    const at = entry.lastIndexOf(marker);
    return at >= 0 ? entry.slice(0, at + marker.length - 1) : undefined;
  } catch {
    return undefined;
  }
}

/** The QuickJS package folders as seen from `fromFile`, each resolved from the package that depends on it. */
function quickjsPackageDirs(fromFile: string): string[] {
  const dirs: string[] = [];
  let from = fromFile;
  for (const name of quickjsPackages) {
    const dir = packageDir(from, name) ?? packageDir(fromFile, name);
    if (!dir) continue;
    dirs.push(dir);
    from = path.join(dir, "package.json");
  }
  return dirs;
}

/**
 * Whom the host runs as: `nobody` (from /etc/passwd, else 65534) when the server is root, so a
 * QuickJS or V8 escape lands in a process that owns nothing; otherwise the server's own user,
 * which cannot switch users anyway.
 */
export function sandboxHostUser(): { uid: number; gid: number } | undefined {
  if (typeof process.getuid !== "function" || process.getuid() !== 0) return undefined;
  try {
    const line = readFileSync("/etc/passwd", "utf8")
      .split("\n")
      .find((entry) => entry.startsWith("nobody:"));
    const [, , uid, gid] = line?.split(":") ?? [];
    if (Number.isInteger(Number(uid)) && Number.isInteger(Number(gid)) && uid !== "" && gid !== "") return { uid: Number(uid), gid: Number(gid) };
  } catch {
    // No readable /etc/passwd: the conventional id of nobody.
  }
  return { uid: 65534, gid: 65534 };
}

const UNSHARE = "/usr/bin/unshare";
const SETPRIV = "/usr/bin/setpriv";
let isolationChecked: boolean | undefined;

/**
 * Whether the host can get a network namespace of its own: root, util-linux's unshare and
 * setpriv present, and the kernel allowing it (checked once by running `unshare --net true`).
 */
export function networkIsolationAvailable(): boolean {
  if (isolationChecked !== undefined) return isolationChecked;
  isolationChecked = false;
  if (typeof process.getuid !== "function" || process.getuid() !== 0 || !existsSync(UNSHARE) || !existsSync(SETPRIV)) return false;
  try {
    execFileSync(UNSHARE, ["--net", "--", "/bin/true"], { stdio: "ignore", timeout: 5_000 });
    isolationChecked = true;
  } catch {
    // e.g. a container without CAP_SYS_ADMIN: the host runs without its own network namespace.
  }
  return isolationChecked;
}

/**
 * The command that starts a sandbox host: the node binary, with Node's permission model allowing
 * only reads of the sandbox scripts and the QuickJS packages, and worker threads. Exported so the
 * diagnostics test can start a host exactly as the pool does (plus `--diagnostics`).
 * @example const { command, args, options } = sandboxHostCommand({ workerFile, cwd: mkdtempSync(…), heapMb: 96 });
 */
export function sandboxHostCommand(config: { workerFile: string; cwd: string; heapMb: number; diagnostics?: boolean; hostFile?: string }): {
  command: string;
  args: string[];
  options: SpawnOptions;
} {
  const hostFile = config.hostFile ?? sandboxFile("host.mjs");
  const readable = [...new Set([path.dirname(hostFile), path.dirname(config.workerFile), ...quickjsPackageDirs(config.workerFile)])];
  const args = [
    "--experimental-permission",
    ...readable.map((dir) => `--allow-fs-read=${dir}`),
    "--allow-worker",
    // Not allowed: --allow-fs-write, --allow-child-process, --allow-addons, --allow-wasi.
    `--max-old-space-size=${config.heapMb}`,
    "--disallow-code-generation-from-strings",
    "--disable-warning=ExperimentalWarning",
    hostFile,
    config.workerFile,
    ...(config.diagnostics ? ["--diagnostics"] : []),
  ];
  const user = sandboxHostUser();
  // As root, with util-linux at hand: a network namespace of its own (only a loopback that is
  // down) and the uid switch done inside it, so the host has no network at the OS level.
  const isolate = user && networkIsolationAvailable();
  const command = isolate ? UNSHARE : process.execPath;
  const fullArgs = isolate
    ? ["--net", "--", SETPRIV, `--reuid=${user.uid}`, `--regid=${user.gid}`, "--clear-groups", "--", process.execPath, ...args]
    : args;
  return {
    command,
    args: fullArgs,
    options: {
      cwd: config.cwd,
      // Nothing of the server's environment (database URL, API keys, NODE_OPTIONS) reaches the host.
      // (The project's ProcessEnv type requires NODE_ENV; the host needs none.)
      env: {} as NodeJS.ProcessEnv,
      stdio: ["ignore", "ignore", "pipe", "ipc"],
      serialization: "advanced",
      windowsHide: true,
      ...(isolate ? {} : user),
    },
  };
}

/** An empty folder nobody may write to: the host's working directory. */
export function emptyReadOnlyDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "trellis-sandbox-"));
  chmodSync(dir, 0o555);
  return dir;
}

/** Working folders of running hosts, removed when the server exits without closing its pools. */
const liveDirs = new Set<string>();

function trackDir(dir: string): void {
  if (liveDirs.size === 0) process.once("exit", removeLiveDirs);
  liveDirs.add(dir);
}

function releaseDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  liveDirs.delete(dir);
  if (liveDirs.size === 0) process.off("exit", removeLiveDirs);
}

function removeLiveDirs(): void {
  for (const dir of liveDirs) rmSync(dir, { recursive: true, force: true });
  liveDirs.clear();
}

/** The error a dying host printed (`Error: Access to this API has been restricted` …), for the failure's detail. */
function lastError(stderr: string): string {
  const lines = stderr.split("\n").map((line) => line.trim());
  const error = lines.findLast((line) => /^[\w.]*(Error|Exception)\b/.test(line) || /\bERR_\w+/.test(line));
  return (error ?? lines.filter(Boolean).at(-1) ?? "").slice(0, 500);
}

interface HostProcess {
  child: ChildProcess;
  cwd: string;
  ready: boolean;
  ended: boolean;
  /** Requests written before the host said hello. */
  outbox: HostRequest[];
  info?: SandboxHostInfo;
  threads: Map<number, RemoteThread>;
  stderrTail: string;
  /** Why the server ended it, when it did. */
  endReason?: string;
  /** Being shut down: kept referenced until it is gone, so close() can be awaited. */
  closing?: boolean;
  whenEnded: (() => void)[];
}

class RemoteThread extends EventEmitter implements SandboxThread {
  refed = true;
  exited = false;
  private readonly waiters: (() => void)[] = [];

  constructor(
    private readonly owner: SandboxHost,
    readonly proc: HostProcess,
    readonly id: number,
  ) {
    super();
  }

  postMessage(job: WorkerJob): void {
    this.owner.send(this.proc, { type: "job", thread: this.id, job });
  }

  terminate(): Promise<void> {
    if (this.exited) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.owner.kill(this.proc, "it did not stop a sandbox thread in time"), this.owner.terminateMs);
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
      this.owner.send(this.proc, { type: "terminate", thread: this.id });
    });
  }

  ref(): void {
    this.refed = true;
    this.owner.updateRef(this.proc);
  }

  unref(): void {
    this.refed = false;
    this.owner.updateRef(this.proc);
  }

  fail(detail: string): void {
    if (!this.exited && this.listenerCount("error") > 0) this.emit("error", new Error(detail));
  }

  markExited(exitCode: number): void {
    if (this.exited) return;
    this.exited = true;
    this.proc.threads.delete(this.id);
    if (!this.proc.ended) this.owner.updateRef(this.proc);
    this.emit("exit", exitCode);
    for (const wake of this.waiters.splice(0)) wake();
  }
}

/**
 * The sandbox host process (lib/sandbox/host.mjs) as the server sees it: one long-lived child
 * process that owns the QuickJS worker threads. Started on the first thread, and again after it
 * dies (crash, out of memory, killed): the threads it had report an error and the pool fails
 * their runs, exactly as if each thread had crashed.
 * @example const thread = new SandboxHost({ workerFile, heapMb: 96, terminateMs: 2000 }).thread();
 */
export class SandboxHost {
  private current?: HostProcess;
  private nextThread = 1;
  private closed = false;
  /** Host processes started so far. */
  starts = 0;
  readonly terminateMs: number;

  constructor(private readonly config: { workerFile: string; heapMb: number; terminateMs: number }) {
    this.terminateMs = config.terminateMs;
  }

  /** Starts a worker thread in the host, starting the host first when none is running. */
  thread(): SandboxThread {
    if (this.closed) throw new Error("the sandbox host was shut down");
    const proc = this.current && !this.current.ended ? this.current : this.launch();
    const thread = new RemoteThread(this, proc, this.nextThread++);
    proc.threads.set(thread.id, thread);
    this.send(proc, { type: "start", thread: thread.id });
    this.updateRef(proc);
    return thread;
  }

  /** What the running host reported about itself (pid, uid, environment, permissions); undefined until it is up. */
  info(): SandboxHostInfo | undefined {
    return this.current && !this.current.ended ? this.current.info : undefined;
  }

  /** Ends the host process (its threads with it) and waits until it is gone. */
  async close(): Promise<void> {
    this.closed = true;
    const proc = this.current;
    this.current = undefined;
    if (!proc || proc.ended) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => this.kill(proc, "the sandbox was shut down"), this.terminateMs);
      proc.whenEnded.push(() => {
        clearTimeout(timer);
        resolve();
      });
      proc.endReason = "the sandbox was shut down";
      proc.closing = true;
      this.updateRef(proc);
      if (proc.child.connected) proc.child.disconnect();
      else this.kill(proc, "the sandbox was shut down");
    });
  }

  send(proc: HostProcess, request: HostRequest): void {
    if (proc.ended) return;
    if (!proc.ready) {
      proc.outbox.push(request);
      return;
    }
    if (proc.child.connected) proc.child.send(request);
  }

  kill(proc: HostProcess, reason: string): void {
    if (proc.ended) return;
    proc.endReason ??= reason;
    proc.child.kill("SIGKILL");
  }

  /** Keeps the server's event loop alive only while some thread of the host is busy or starting. */
  updateRef(proc: HostProcess): void {
    const busy = proc.closing || [...proc.threads.values()].some((thread) => thread.refed);
    const channel = proc.child.channel as { ref?: () => void; unref?: () => void } | null | undefined;
    if (busy) {
      proc.child.ref();
      channel?.ref?.();
    } else {
      proc.child.unref();
      channel?.unref?.();
    }
  }

  private launch(): HostProcess {
    const cwd = emptyReadOnlyDir();
    let child: ChildProcess;
    try {
      const { command, args, options } = sandboxHostCommand({ workerFile: this.config.workerFile, cwd, heapMb: this.config.heapMb });
      child = spawn(command, args, options);
    } catch (error) {
      rmSync(cwd, { recursive: true, force: true });
      throw error;
    }
    this.starts++;
    trackDir(cwd);
    const proc: HostProcess = { child, cwd, ready: false, ended: false, outbox: [], threads: new Map(), stderrTail: "", whenEnded: [] };
    this.current = proc;
    const stderr = child.stderr as Socket | null;
    stderr?.setEncoding("utf8");
    stderr?.on("data", (text: string) => (proc.stderrTail = (proc.stderrTail + text).slice(-2000)));
    stderr?.unref();
    child.on("message", (event: HostEvent) => this.onEvent(proc, event));
    // Spawning failed (no pid): nothing runs. Anything else (a failed send or kill): end it for sure.
    child.on("error", (error) => (child.pid === undefined ? this.onEnd(proc, `the sandbox host process could not start: ${error.message}`) : this.kill(proc, error.message)));
    // Not "close": it may never come once the IPC channel was unreferenced. What the host printed
    // last is read up to the end of its stderr, or for a moment at most.
    child.on("exit", (exitCode, signal) => {
      const report = () => {
        const how = signal ? `signal ${signal}` : `exit code ${exitCode}`;
        const said = lastError(proc.stderrTail);
        this.onEnd(proc, `the sandbox host process ended (${how}${proc.endReason ? `: ${proc.endReason}` : ""})${said ? `: ${said}` : ""}`);
      };
      if (!stderr || stderr.closed) return report();
      const timer = setTimeout(report, 200);
      stderr.once("close", () => {
        clearTimeout(timer);
        report();
      });
    });
    return proc;
  }

  private onEvent(proc: HostProcess, event: HostEvent): void {
    if (proc.ended) return;
    if (event.type === "hello") {
      proc.ready = true;
      proc.info = event.info;
      for (const request of proc.outbox.splice(0)) this.send(proc, request);
      return;
    }
    if (event.type === "probe") return;
    const thread = proc.threads.get(event.thread);
    if (!thread) return;
    if (event.type === "message") thread.emit("message", event.message);
    else if (event.type === "error") thread.fail(event.detail);
    else thread.markExited(event.exitCode);
  }

  private onEnd(proc: HostProcess, detail: string): void {
    if (proc.ended) return;
    proc.ended = true;
    if (this.current === proc) this.current = undefined;
    for (const thread of [...proc.threads.values()]) {
      thread.fail(detail);
      thread.markExited(1);
    }
    releaseDir(proc.cwd);
    for (const wake of proc.whenEnded.splice(0)) wake();
  }
}
