// @ts-check
/**
 * Sandbox worker thread: runs one user script at a time in QuickJS compiled to WebAssembly. It
 * lives in the sandbox host process (./host.mjs), not in the server.
 *
 * Why plain JavaScript: worker_threads load this file directly, under Next.js, tsx and vitest
 * alike, without a TypeScript loader. Why a thread: QuickJS runs synchronously, so a long
 * script must not hold up the other runs, and the pool can have the whole thread killed
 * (worker.terminate() in the host) if the in-QuickJS deadline ever fails to stop it.
 *
 * What one run does and exposes: ./quickjs-run.mjs. This file owns the QuickJS instance: after a
 * memory or stack failure, or anything unexpected, the whole WebAssembly instance is replaced
 * before the next job, so a damaged heap can never serve another run.
 *
 * Protocol: see WorkerJob / WorkerMessage in ./types.ts (relayed unchanged by the host).
 */
/* global WebAssembly -- a JavaScript global, not declared by the lint config for .mjs files */
import { parentPort, workerData } from "node:worker_threads";
import { newQuickJSWASMModuleFromVariant, newVariant, RELEASE_SYNC } from "quickjs-emscripten";
import { runJob } from "./quickjs-run.mjs";

/** Replace the WebAssembly instance once its memory has grown past this (it never shrinks). */
const RECYCLE_WASM_BYTES = 128 * 1024 * 1024;

// The host compiles QuickJS's WebAssembly once and hands the compiled module to every worker:
// a new worker (or a replacement module after a failure) then only instantiates it, and the
// machine code V8 has already generated for it is shared instead of compiled again per thread.
const shared = workerData && workerData.wasmModule instanceof WebAssembly.Module ? workerData.wasmModule : undefined;
// Emscripten prints "Aborted(...)" when a damaged runtime is disposed; that module is replaced
// anyway (see `recycle`), so the message is only noise in the server log.
const quiet = { print: () => undefined, printErr: () => undefined };

/** @type {import("quickjs-emscripten").QuickJSWASMModule | undefined} */
let quickjs;
/** WebAssembly pages the current instance may grow to. */
let quickjsPages = 0;
let recycle = false;

const PAGE_BYTES = 64 * 1024;
const INITIAL_PAGES = 256; // the 16 MB the QuickJS build starts with
const DEFAULT_MEMORY_BYTES = 64 * 1024 * 1024;

/**
 * The hard ceiling of the instance's WebAssembly memory for a run's memory limit. QuickJS's own
 * limit does not count ArrayBuffer contents, so without this ceiling `new ArrayBuffer(…)` in a
 * loop could grow one worker to 2 GB; with it, allocation fails inside QuickJS ("out of memory")
 * once the instance as a whole reaches about 1.5× the limit plus room for the 5 MB stack and
 * allocator slack.
 * @param {number} memoryBytes
 */
function pagesFor(memoryBytes) {
  return Math.max(INITIAL_PAGES, Math.ceil((memoryBytes * 1.5 + 32 * 1024 * 1024) / PAGE_BYTES));
}

/**
 * The instance for the next job: a fresh one (own memory) after any failure that may have
 * damaged the current one, or when the job needs a different memory ceiling.
 * @param {number} memoryBytes
 */
async function moduleFor(memoryBytes) {
  const pages = pagesFor(memoryBytes);
  if (!quickjs || recycle || pages !== quickjsPages) {
    quickjs = undefined;
    recycle = false;
    const wasmMemory = new WebAssembly.Memory({ initial: INITIAL_PAGES, maximum: pages });
    const options = shared ? { wasmModule: shared, wasmMemory, emscriptenModule: quiet } : { wasmMemory, emscriptenModule: quiet };
    quickjs = await newQuickJSWASMModuleFromVariant(newVariant(RELEASE_SYNC, options));
    quickjsPages = pages;
  }
  return quickjs;
}

/** @param {import("./types").WorkerJob} job @returns {Promise<import("./types").WorkerMessage>} */
async function handle(job) {
  let module;
  try {
    module = await moduleFor(job.memoryBytes);
  } catch (error) {
    return { type: "result", id: job.id, ok: false, failure: { code: "SANDBOX_UNAVAILABLE", detail: String(error) } };
  }
  let message;
  try {
    const outcome = runJob(module, job);
    message = outcome.message;
    if (outcome.damaged) recycle = true;
  } catch (error) {
    // A fault of QuickJS itself (e.g. the host stack ran out inside WebAssembly): never reuse it.
    recycle = true;
    const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    const code = /call stack/i.test(text) ? "SANDBOX_STACK" : "SANDBOX_CRASHED";
    message = { type: "result", id: job.id, ok: false, failure: { code, detail: text.slice(0, 500) } };
  }
  if (!message.ok && (message.failure.code === "SANDBOX_MEMORY" || message.failure.code === "SANDBOX_STACK")) recycle = true;
  if (module.getWasmMemory().buffer.byteLength > RECYCLE_WASM_BYTES) recycle = true;
  return /** @type {import("./types").WorkerMessage} */ (message);
}

if (!parentPort) throw new Error("lib/sandbox/worker.mjs runs only as a worker thread");
const port = parentPort;
let chain = Promise.resolve();
port.on("message", (/** @type {import("./types").WorkerJob} */ job) => {
  chain = chain.then(async () => port.postMessage(await handle(job)));
});
moduleFor(DEFAULT_MEMORY_BYTES).then(
  () => port.postMessage({ type: "ready" }),
  (error) => {
    throw error;
  },
);
