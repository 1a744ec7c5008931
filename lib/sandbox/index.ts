import { SandboxPool, type SandboxPoolOptions } from "./pool";

export { SandboxPool, type SandboxPoolOptions, type SandboxStats } from "./pool";
export { sandboxError } from "./errors";
export { defaultSandboxLimits, sandboxErrorCodes, type SandboxErrorCode, type SandboxHostInfo, type SandboxLimits, type SandboxRequest, type SandboxResult } from "./types";

/**
 * Creates a sandbox for user JavaScript (QuickJS in WebAssembly, on worker threads of a separate
 * sandbox host process). No process or thread starts until the first run.
 * @example
 * const sandbox = createSandbox({ size: 2 });
 * await sandbox.run({ source: "function main({ name }) { return { text: '你好，' + name } }", inputs: { name: "小明" }, timeoutMs: 5000, memoryBytes: 64 << 20, maxOutputBytes: 1 << 20 });
 * await sandbox.close();
 */
export function createSandbox(options: SandboxPoolOptions = {}): SandboxPool {
  return new SandboxPool(options);
}

const globalKey = Symbol.for("trellis.sandbox");
type WithSandbox = typeof globalThis & { [globalKey]?: SandboxPool };

/**
 * The server's one sandbox pool. Kept on globalThis so that hot reloads in development reuse
 * the running host process and its threads instead of leaking a new pool per reload.
 * @example engineServices.runCode = (request) => sharedSandbox().run(request)
 */
export function sharedSandbox(): SandboxPool {
  const holder = globalThis as WithSandbox;
  holder[globalKey] ??= new SandboxPool();
  return holder[globalKey];
}
