// @ts-check
/**
 * The sandbox host process: owns the QuickJS worker threads, outside the server process.
 *
 * Started by ./host-process.ts as `node <flags> host.mjs <worker file> [--diagnostics]` with an
 * empty environment, an empty read-only working directory, Node's permission model (read access
 * to the sandbox scripts and the QuickJS package only; worker threads allowed; no file writes, no
 * child processes, no native addons), a small V8 heap and, when the server runs as root, the
 * `nobody` user. It only relays: the server says which threads to start, stop and feed, and this
 * process forwards each thread's messages back. Losing this process loses its threads and nothing
 * else; the server fails the runs in flight and starts a new host for the next run.
 *
 * Why plain JavaScript: it is started by `node` directly, from a Next.js bundle as well as
 * from tsx or vitest, with no TypeScript loader.
 *
 * Protocol (child_process IPC, structured clone): HostRequest / HostEvent in ./types.ts.
 */
/* global WebAssembly -- a JavaScript global, not declared by the lint config for .mjs files */
import * as childProcess from "node:child_process";
import * as fs from "node:fs";
import { createRequire } from "node:module";
import process from "node:process";
import { Worker } from "node:worker_threads";

const workerFile = process.argv[2];
// Only the diagnostics test starts a host with this flag; the server's pool never does.
const diagnostics = process.argv.includes("--diagnostics");

/** @type {WebAssembly.Module | null | undefined} */
let compiledQuickJS;

/**
 * QuickJS's WebAssembly, compiled once per host (lazily: a few ms) and shared with every worker:
 * a new worker, or a replacement after a failure, only instantiates it. Undefined when it cannot
 * be found from the worker file; each worker then loads its own copy.
 */
function sharedQuickJSWasm() {
  if (compiledQuickJS === undefined) {
    try {
      const fromPackage = createRequire(createRequire(workerFile).resolve("quickjs-emscripten"));
      compiledQuickJS = new WebAssembly.Module(fs.readFileSync(fromPackage.resolve("@jitl/quickjs-wasmfile-release-sync/wasm")));
    } catch {
      compiledQuickJS = null;
    }
  }
  return compiledQuickJS ?? undefined;
}

/** @type {Map<number, Worker>} */
const threads = new Map();

/** @param {import("./types").HostEvent} event */
function send(event) {
  if (process.connected && process.send) process.send(event);
}

/** @param {unknown} error */
const describe = (error) => (error instanceof Error ? `${error.name}: ${error.message}` : String(error)).slice(0, 1000);

/** @param {number} id */
function start(id) {
  let worker;
  try {
    worker = new Worker(workerFile, {
      name: "trellis-sandbox",
      workerData: { wasmModule: sharedQuickJSWasm() },
      // No environment variables and no loader flags: nothing secret to leak, even in this process.
      env: {},
      execArgv: [],
      // A deep native stack so QuickJS's own stack limit (512 KB) is reached first in most cases;
      // when it is not, the worker catches V8's RangeError and replaces its QuickJS instance.
      resourceLimits: { maxOldGenerationSizeMb: 128, maxYoungGenerationSizeMb: 32, stackSizeMb: 8 },
    });
  } catch (error) {
    send({ type: "error", thread: id, detail: describe(error) });
    send({ type: "exit", thread: id, exitCode: 1 });
    return;
  }
  threads.set(id, worker);
  worker.on("message", (/** @type {import("./types").WorkerMessage} */ message) => send({ type: "message", thread: id, message }));
  worker.on("error", (error) => send({ type: "error", thread: id, detail: describe(error) }));
  worker.on("exit", (exitCode) => {
    threads.delete(id);
    send({ type: "exit", thread: id, exitCode });
  });
}

/**
 * The attempts a diagnostics probe makes; run on this process's main thread and, through its
 * source text, in a fresh worker thread (where QuickJS runs). Each entry is the error code of
 * the attempt, or "allowed" when it succeeded.
 * @param {string} canary a file path the attempts try to create
 * @param {typeof import("node:fs")} files
 * @param {typeof import("node:child_process")} processes
 * @returns {import("./types").HostProbeAttempts}
 */
function attempts(canary, files, processes) {
  /** @param {() => unknown} attempt */
  const outcome = (attempt) => {
    try {
      const result = /** @type {{ error?: unknown } | undefined} */ (attempt());
      if (result && result.error) throw result.error;
      return "allowed";
    } catch (error) {
      const code = error && typeof error === "object" && "code" in error ? error.code : undefined;
      return typeof code === "string" ? code : String(error);
    }
  };
  return {
    writeFile: outcome(() => files.writeFileSync(canary, "x")),
    writeCwd: outcome(() => files.writeFileSync("written-by-the-sandbox-host", "x")),
    spawnProcess: outcome(() => processes.spawnSync("/bin/sh", ["-c", `echo x > '${canary}'`])),
    readOutside: outcome(() => files.readFileSync("/etc/passwd")),
  };
}

/**
 * What this process may do, tried for real on the main thread and on a worker thread
 * (diagnostics only; see `attempts`).
 * @param {string} canary
 * @returns {Promise<import("./types").HostProbeResult>}
 */
async function probe(canary) {
  // An eval worker's source is compiled by the worker loader, not by eval(), which is off here.
  const source = `const { parentPort, workerData } = require("node:worker_threads");
parentPort.postMessage((${attempts.toString()})(workerData, require("node:fs"), require("node:child_process")));`;
  const thread = new Worker(source, { eval: true, workerData: canary, env: {} });
  const inThread = await new Promise((resolve) => {
    thread.once("message", resolve);
    thread.once("error", (error) => resolve({ error: describe(error) }));
  });
  void thread.terminate();
  return { main: attempts(canary, fs, childProcess), thread: /** @type {import("./types").HostProbeAttempts} */ (inThread) };
}

process.on("message", (/** @type {import("./types").HostRequest} */ request) => {
  if (request.type === "start") start(request.thread);
  else if (request.type === "job") threads.get(request.thread)?.postMessage(request.job);
  else if (request.type === "terminate") {
    const worker = threads.get(request.thread);
    if (worker) void worker.terminate();
    else send({ type: "exit", thread: request.thread, exitCode: 1 });
  } else if (request.type === "probe" && diagnostics) {
    void probe(request.canary).then((result) => send({ type: "probe", result }));
  }
});
// The server went away (or closed the sandbox): nothing here may outlive it.
process.on("disconnect", () => process.exit(0));

const permission = /** @type {{ has(scope: string, reference?: string): boolean } | undefined} */ (/** @type {{ permission?: unknown }} */ (process).permission);
send({
  type: "hello",
  info: {
    pid: process.pid,
    uid: process.getuid ? process.getuid() : -1,
    gid: process.getgid ? process.getgid() : -1,
    cwd: process.cwd(),
    envKeys: Object.keys(process.env),
    permissions: permission
      ? { enforced: true, fsWrite: permission.has("fs.write"), childProcess: permission.has("child"), worker: permission.has("worker") }
      : { enforced: false, fsWrite: true, childProcess: true, worker: true },
  },
});
