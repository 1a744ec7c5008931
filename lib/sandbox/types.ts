/**
 * Shapes shared by the sandbox pool (lib/sandbox/pool.ts), the sandbox host process
 * (lib/sandbox/host.mjs), its worker threads (lib/sandbox/worker.mjs) and the code node. Everything that crosses the thread boundary is plain data: the inputs
 * and the outputs travel as JSON strings, never as live objects.
 */

/** One run of user code, as the code node asks for it. */
export interface SandboxRequest {
  /** JavaScript that defines `function main(inputs) { … return { … } }` (may be async). */
  source: string;
  /** Passed to `main` as a JSON copy. */
  inputs: Record<string, unknown>;
  /** Time the code may run, in ms; the run is interrupted at this deadline. */
  timeoutMs: number;
  /** Heap the code may allocate, in bytes. */
  memoryBytes: number;
  /** Most bytes of outputs JSON plus console output together. */
  maxOutputBytes: number;
  /** Aborts a queued or running run (the run was cancelled, the node timed out). */
  signal?: AbortSignal;
}

export interface SandboxResult {
  /** What `main` returned (a plain object), parsed from JSON. */
  outputs: Record<string, unknown>;
  /** What the code printed with console.log / info / warn / error, one entry per call. */
  logs: string[];
}

/**
 * Stable codes of sandbox failures (AppError.code). The code node and the trace show the
 * localized message; callers branch on the code.
 */
export const sandboxErrorCodes = [
  "SANDBOX_TIMEOUT",
  "SANDBOX_MEMORY",
  "SANDBOX_STACK",
  "SANDBOX_OUTPUT_TOO_LARGE",
  "SANDBOX_INPUT_INVALID",
  "SANDBOX_NO_MAIN",
  "SANDBOX_BAD_RESULT",
  "SANDBOX_CODE_ERROR",
  "SANDBOX_CANCELLED",
  "SANDBOX_BUSY",
  "SANDBOX_CRASHED",
  "SANDBOX_UNAVAILABLE",
] as const;
export type SandboxErrorCode = (typeof sandboxErrorCodes)[number];

/** A failure as the worker reports it (English detail from QuickJS; localized on the host). */
export interface SandboxFailure {
  code: SandboxErrorCode;
  /** The user's error (`TypeError: x is not a function`) or a detail such as the limit hit. */
  detail?: string;
  /** 1-based line in the user's source, when the error points there. */
  line?: number;
  /** Why a SANDBOX_BAD_RESULT result is unusable (localized on the host; `detail` adds the specifics). */
  reason?: "not-object" | "not-json" | "never-settles";
}

/** Host → worker. */
export interface WorkerJob {
  id: number;
  source: string;
  inputsJson: string;
  timeoutMs: number;
  memoryBytes: number;
  maxOutputBytes: number;
  stackBytes: number;
}

/** Worker → host. */
export type WorkerMessage =
  | { type: "ready" }
  | { type: "result"; id: number; ok: true; outputsJson: string; logs: string[] }
  | { type: "result"; id: number; ok: false; failure: SandboxFailure };

/** Server → sandbox host process (child_process IPC). `thread` names a worker thread in the host. */
export type HostRequest =
  | { type: "start"; thread: number }
  | { type: "job"; thread: number; job: WorkerJob }
  | { type: "terminate"; thread: number }
  /** Only answered by a host started with `--diagnostics` (tests; the pool never starts one). */
  | { type: "probe"; canary: string };

/** Sandbox host process → server. */
export type HostEvent =
  | { type: "hello"; info: SandboxHostInfo }
  | { type: "message"; thread: number; message: WorkerMessage }
  | { type: "error"; thread: number; detail: string }
  | { type: "exit"; thread: number; exitCode: number }
  | { type: "probe"; result: HostProbeResult };

/** What the sandbox host process says about itself when it starts. */
export interface SandboxHostInfo {
  pid: number;
  uid: number;
  gid: number;
  cwd: string;
  /** Names of its environment variables (expected: none). */
  envKeys: string[];
  /** Node's permission model as the host sees it (`process.permission.has`). */
  permissions: { enforced: boolean; fsWrite: boolean; childProcess: boolean; worker: boolean };
}

/** Attempts made inside a diagnostics host: the error code of each (e.g. ERR_ACCESS_DENIED) or "allowed". */
export interface HostProbeAttempts {
  writeFile: string;
  writeCwd: string;
  spawnProcess: string;
  readOutside: string;
}

/** The same attempts on the host's main thread and on one of its worker threads. */
export interface HostProbeResult {
  main: HostProbeAttempts;
  thread: HostProbeAttempts | { error: string };
}

/** Limits that are not per request. */
export interface SandboxLimits {
  /** QuickJS stack, in bytes (deep recursion ends in SANDBOX_STACK, not a host crash). */
  stackBytes: number;
  /** Extra wall-clock time after `timeoutMs` before the worker thread is killed outright. */
  killGraceMs: number;
  /** Largest inputs JSON accepted, in bytes. */
  maxInputBytes: number;
  /** Runs that may wait for a free worker; more are refused with SANDBOX_BUSY. */
  maxQueue: number;
  /** Longest a worker may take to load QuickJS before it is considered broken. */
  startupTimeoutMs: number;
  /** V8 heap of the sandbox host process, in MB (its worker threads have their own caps). */
  hostHeapMb: number;
  /** Longest the host may take to confirm a thread was stopped before the whole host is killed. */
  hostTerminateMs: number;
}

export const defaultSandboxLimits: SandboxLimits = {
  stackBytes: 512 * 1024,
  killGraceMs: 1000,
  maxInputBytes: 10 * 1024 * 1024,
  maxQueue: 500,
  startupTimeoutMs: 15_000,
  hostHeapMb: 96,
  hostTerminateMs: 2000,
};
