// @ts-check
/**
 * One run of user code in QuickJS (used by ./worker.mjs, on a worker thread).
 *
 * Isolation per run: a fresh QuickJS runtime and context for every job, so no global or
 * prototype change survives into the next run. Nothing of the host is exposed inside except one
 * function that appends console output; process, require, import, fetch, fs and the environment
 * do not exist there. Inputs go in as a JSON string parsed inside; the result comes out as a
 * JSON string written inside, so no live object ever crosses the boundary.
 */
import { Buffer } from "node:buffer";

const USER_FILE = "code.js";
const MAX_LOG_LINES = 1000;
/** Headroom granted after a run ends, so the error can still be read after an out-of-memory. */
const CLEANUP_HEADROOM_BYTES = 16 * 1024 * 1024;

// Evaluated first in every fresh context: captures JSON before user code can replace it,
// installs console.* over the single host function, and returns the two helpers the host calls.
const BOOTSTRAP = `(function (hostLog) {
  "use strict";
  var stringify = JSON.stringify, parse = JSON.parse, isArray = Array.isArray, toText = String;
  function show(value) {
    if (typeof value === "string") return value;
    try { var text = stringify(value); if (typeof text === "string") return text; } catch (e) {}
    try { return toText(value); } catch (e) { return "[unprintable]"; }
  }
  function log() {
    var line = "";
    for (var i = 0; i < arguments.length; i++) line += (i > 0 ? " " : "") + show(arguments[i]);
    hostLog(line);
  }
  globalThis.console = { log: log, info: log, warn: log, error: log, debug: log };
  return {
    call: function (main, inputsJson) { return main(parse(inputsJson)); },
    finish: function (value) {
      if (typeof value !== "object" || value === null || isArray(value)) {
        return { problem: "not-object", detail: value === null ? "null" : isArray(value) ? "array" : typeof value };
      }
      try {
        var json = stringify(value);
        return typeof json === "string" ? { json: json } : { problem: "not-json", detail: "toJSON returned nothing" };
      } catch (e) {
        return { problem: "not-json", detail: show(e && e.message) };
      }
    }
  };
})`;

/**
 * Reads name/message/stack of a thrown value without assuming it is an Error.
 * @param {import("quickjs-emscripten").QuickJSContext} ctx
 * @param {import("quickjs-emscripten").QuickJSHandle} handle
 */
function describeThrown(ctx, handle) {
  const kind = ctx.typeof(handle);
  if (kind === "string") return { name: "", message: ctx.getString(handle), stack: "" };
  if (kind === "number" || kind === "boolean" || kind === "undefined") return { name: "", message: String(ctx.dump(handle)), stack: "" };
  if (kind !== "object" && kind !== "function") return { name: "", message: `a thrown ${kind}`, stack: "" };
  /** @param {string} key */
  const text = (key) => {
    const prop = ctx.getProp(handle, key);
    try {
      return ctx.typeof(prop) === "string" ? ctx.getString(prop) : "";
    } finally {
      prop.dispose();
    }
  };
  return { name: text("name"), message: text("message"), stack: text("stack") };
}

/**
 * @param {{ name: string; message: string; stack: string }} thrown
 * @returns {import("./types").SandboxFailure}
 */
function classifyThrown(thrown) {
  const { name, message, stack } = thrown;
  if (name === "InternalError" && (message === "out of memory" || message === "string too long")) return { code: "SANDBOX_MEMORY", detail: message };
  if (name === "InternalError" && message === "stack overflow") return { code: "SANDBOX_STACK", detail: message };
  if (name === "InternalError" && message === "interrupted") return { code: "SANDBOX_TIMEOUT" };
  const where = new RegExp(`${USER_FILE.replace(".", "\\.")}:(\\d+)`).exec(stack);
  const detail = (name ? `${name}: ${message}` : message).slice(0, 2000);
  return where ? { code: "SANDBOX_CODE_ERROR", detail, line: Number(where[1]) } : { code: "SANDBOX_CODE_ERROR", detail };
}

/**
 * Runs one job in a fresh QuickJS runtime and context; never throws for anything the user's
 * code does. `damaged` says the instance could not be cleaned up and must not be reused.
 * @param {import("quickjs-emscripten").QuickJSWASMModule} module
 * @param {import("./types").WorkerJob} job
 * @returns {{ message: import("./types").WorkerMessage; damaged: boolean }}
 */
export function runJob(module, job) {
  let damaged = false;
  const message = runInFreshRuntime(module, job, () => {
    damaged = true;
  });
  return { message, damaged };
}

/**
 * @param {import("quickjs-emscripten").QuickJSWASMModule} module
 * @param {import("./types").WorkerJob} job
 * @param {() => void} onDamaged
 * @returns {import("./types").WorkerMessage}
 */
function runInFreshRuntime(module, job, onDamaged) {
  const logs = /** @type {string[]} */ ([]);
  let outputBytes = 0;
  let droppedLines = 0;
  let overflow = false;
  let timedOut = false;
  const deadline = Date.now() + job.timeoutMs;
  /** @param {import("./types").SandboxFailure} failure @returns {import("./types").WorkerMessage} */
  const fail = (failure) => ({ type: "result", id: job.id, ok: false, failure });
  /** @param {number} bytes */
  const takeOutput = (bytes) => {
    outputBytes += bytes;
    if (outputBytes > job.maxOutputBytes) overflow = true;
    return !overflow;
  };

  const rt = module.newRuntime();
  rt.setMemoryLimit(job.memoryBytes);
  rt.setMaxStackSize(job.stackBytes);
  rt.setInterruptHandler(() => {
    if (overflow) return true;
    if (Date.now() > deadline) timedOut = true;
    return timedOut;
  });
  rt.setModuleLoader((name) => ({ error: new Error(`Cannot load module "${name}": the code node has no modules`) }));
  const ctx = rt.newContext();
  /** @type {import("quickjs-emscripten").QuickJSHandle[]} */
  const handles = [];
  /** @template {import("quickjs-emscripten").QuickJSHandle} H @param {H} h @returns {H} */
  const keep = (h) => (handles.push(h), h);
  /** @param {import("quickjs-emscripten").QuickJSHandle} errorHandle */
  const failWith = (errorHandle) => {
    keep(errorHandle);
    if (overflow) return fail({ code: "SANDBOX_OUTPUT_TOO_LARGE" });
    if (timedOut) return fail({ code: "SANDBOX_TIMEOUT" });
    rt.setMemoryLimit(job.memoryBytes + CLEANUP_HEADROOM_BYTES);
    /** @type {import("./types").SandboxFailure} */
    let failure;
    try {
      failure = classifyThrown(describeThrown(ctx, errorHandle));
    } catch {
      failure = { code: "SANDBOX_CODE_ERROR", detail: "(the thrown value could not be read)" };
    }
    if (overflow) return fail({ code: "SANDBOX_OUTPUT_TOO_LARGE" });
    return timedOut ? fail({ code: "SANDBOX_TIMEOUT" }) : fail(failure);
  };

  try {
    const hostLog = keep(
      ctx.newFunction("log", (lineHandle) => {
        if (overflow || ctx.typeof(lineHandle) !== "string") return;
        const length = ctx.getProp(lineHandle, "length").consume((h) => ctx.getNumber(h));
        // A UTF-16 unit is at most 3 UTF-8 bytes: refuse a line too long without copying it out.
        if (length > job.maxOutputBytes) {
          overflow = true;
          throw new Error("Console output exceeds the output limit");
        }
        const line = ctx.getString(lineHandle);
        if (!takeOutput(Buffer.byteLength(line) + 1)) throw new Error("Console output exceeds the output limit");
        if (logs.length < MAX_LOG_LINES) logs.push(line);
        else droppedLines++;
      }),
    );
    const boot = ctx.evalCode(BOOTSTRAP, "trellis-bootstrap.js", { type: "global", strict: true });
    if (boot.error) return failWith(boot.error);
    const factory = keep(boot.value);
    const made = ctx.callFunction(factory, ctx.undefined, hostLog);
    if (made.error) return failWith(made.error);
    const helpers = keep(made.value);

    const evaluated = ctx.evalCode(job.source, USER_FILE, { type: "global" });
    if (evaluated.error) return failWith(evaluated.error);
    keep(evaluated.value);
    // Looked up by name in the global scope, so `const main = (inputs) => …` works as well.
    const found = ctx.evalCode('typeof main === "function" ? main : undefined', "trellis-main.js", { type: "global" });
    if (found.error) return failWith(found.error);
    const main = keep(found.value);
    if (ctx.typeof(main) !== "function") return fail({ code: "SANDBOX_NO_MAIN" });

    const call = keep(ctx.getProp(helpers, "call"));
    const called = ctx.callFunction(call, helpers, main, keep(ctx.newString(job.inputsJson)));
    if (called.error) return failWith(called.error);
    const returned = keep(called.value);

    // An async main: run the sandbox's own job queue (there are no host callbacks to wait for).
    let state = ctx.getPromiseState(returned);
    while (state.type === "pending") {
      if (Date.now() > deadline) timedOut = true;
      if (timedOut || overflow) return fail({ code: overflow ? "SANDBOX_OUTPUT_TOO_LARGE" : "SANDBOX_TIMEOUT" });
      const ran = rt.executePendingJobs(64);
      if (ran.error) return failWith(ran.error);
      state = ctx.getPromiseState(returned);
      if (state.type === "pending" && ran.value === 0) {
        return fail({ code: "SANDBOX_BAD_RESULT", reason: "never-settles" });
      }
    }
    if (state.type === "rejected") return failWith(state.error);
    const value = state.notAPromise ? state.value : keep(state.value);

    const finish = keep(ctx.getProp(helpers, "finish"));
    const finished = ctx.callFunction(finish, helpers, value);
    if (finished.error) return failWith(finished.error);
    const report = keep(finished.value);
    const problem = keep(ctx.getProp(report, "problem"));
    if (ctx.typeof(problem) === "string") {
      const reason = /** @type {"not-object" | "not-json"} */ (ctx.getString(problem));
      const detail = keep(ctx.getProp(report, "detail"));
      return fail({ code: "SANDBOX_BAD_RESULT", reason, detail: ctx.typeof(detail) === "string" ? ctx.getString(detail).slice(0, 500) : undefined });
    }
    const json = keep(ctx.getProp(report, "json"));
    if (overflow) return fail({ code: "SANDBOX_OUTPUT_TOO_LARGE" });
    const jsonLength = ctx.getNumber(keep(ctx.getProp(json, "length")));
    if (jsonLength > job.maxOutputBytes) return fail({ code: "SANDBOX_OUTPUT_TOO_LARGE" });
    const outputsJson = ctx.getString(json);
    if (!takeOutput(Buffer.byteLength(outputsJson))) return fail({ code: "SANDBOX_OUTPUT_TOO_LARGE" });
    if (droppedLines > 0) logs.push(`… ${droppedLines} more lines not shown`);
    return { type: "result", id: job.id, ok: true, outputsJson, logs };
  } finally {
    for (const handle of handles.reverse()) if (handle.alive) handle.dispose();
    try {
      ctx.dispose();
      rt.dispose();
    } catch {
      onDamaged();
    }
  }
}
