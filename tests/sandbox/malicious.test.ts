import childProcess from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { SandboxPool, type SandboxErrorCode } from "@/lib/sandbox";
import { expectSandboxError, testLimits } from "./helpers";

/**
 * Checklist C13: the code node's malicious-payload suite (in the spirit of dify-sandbox's
 * python_malicious_test.go). Every payload must end in a sandbox error or in a result that
 * shows no host access, within the time cap; a canary file that payloads try to create must
 * never appear; host secrets never show up in any output; and the next ordinary run works.
 */
const canary = path.join(tmpdir(), `trellis-c13-canary-${randomUUID()}`);
const secret = `trellis-secret-${randomUUID()}`;
const TIMEOUT_MS = 1000;
const KILL_GRACE_MS = 500;
/** Scheduling slack on a loaded 2-core CI machine. */
const MARGIN_MS = 1500;
const C = JSON.stringify(canary);

let pool: SandboxPool;
/** Everything any payload produced (results and error messages), checked for the secret at the end. */
const seen: string[] = [];
const spawnSpies = (["spawn", "spawnSync", "exec", "execSync", "execFile", "execFileSync", "fork"] as const).map((name) => vi.spyOn(childProcess, name));

async function attempt(source: string, limits: Partial<typeof testLimits> = {}) {
  try {
    const result = await pool.run({ source, inputs: { question: "你好" }, ...testLimits, timeoutMs: TIMEOUT_MS, ...limits });
    seen.push(JSON.stringify(result));
    return { ok: true as const, outputs: result.outputs, logs: result.logs };
  } catch (error) {
    seen.push(JSON.stringify(error), String(error));
    return { ok: false as const, error };
  }
}

async function expectFailure(source: string, code: SandboxErrorCode, limits: Partial<typeof testLimits> = {}) {
  const started = Date.now();
  const error = await expectSandboxError(
    pool.run({ source, inputs: {}, ...testLimits, timeoutMs: TIMEOUT_MS, ...limits }).then((r) => {
      seen.push(JSON.stringify(r));
      return r;
    }),
    code,
  );
  seen.push(error.localized.en, error.localized.zh, JSON.stringify(error.details ?? null));
  return { error, elapsed: Date.now() - started };
}

beforeAll(async () => {
  process.env.TRELLIS_TEST_SECRET = secret;
  pool = new SandboxPool({ size: 2, limits: { killGraceMs: KILL_GRACE_MS } });
  await pool.warm();
});

afterEach(async () => {
  // The host is unaffected: no file written, no process spawned (but the sandbox host process
  // itself, should a payload have made the pool start a new one), and an ordinary run still works.
  expect(existsSync(canary)).toBe(false);
  for (const spy of spawnSpies) for (const call of spy.mock.calls) expect(JSON.stringify(call)).toContain("host.mjs");
  const next = await pool.run({ source: "function main(i) { return { echo: i.text + '！' } }", inputs: { text: "下一次" }, ...testLimits });
  expect(next.outputs).toEqual({ echo: "下一次！" });
});

afterAll(async () => {
  await pool.close();
  delete process.env.TRELLIS_TEST_SECRET;
  rmSync(canary, { force: true });
  vi.restoreAllMocks();
});

describe("C13 malicious code-node payloads", () => {
  it("C13: process.env does not exist inside", async () => {
    const { error } = await expectFailure("function main() { return { env: process.env.TRELLIS_TEST_SECRET } }", "SANDBOX_CODE_ERROR");
    expect(error.messageIn("en")).toMatch(/process.*not defined/);
    const probe = await attempt("function main() { return { process: typeof globalThis.process, env: typeof globalThis.env, Buffer: typeof Buffer, global: typeof global } }");
    expect(probe).toMatchObject({ ok: true, outputs: { process: "undefined", env: "undefined", Buffer: "undefined", global: "undefined" } });
  });

  it("C13: require('child_process') does not exist", async () => {
    const { error } = await expectFailure(`function main() { require('child_process').execSync('touch ' + ${C}); return {} }`, "SANDBOX_CODE_ERROR");
    expect(error.messageIn("en")).toMatch(/require.*not defined/);
  });

  it("C13: this.constructor.constructor('return process')() reaches only the sandbox", async () => {
    const source = `function main() {
      const p = this.constructor.constructor('return process')();
      p.mainModule.require('child_process').execSync('touch ' + ${C});
      return { escaped: true };
    }`;
    const { error } = await expectFailure(source, "SANDBOX_CODE_ERROR");
    expect(error.messageIn("en")).toMatch(/process.*not defined/);
  });

  it("C13: new Function('return this')() is the sandbox's own global, with no host object on it", async () => {
    const source = `function main() {
      const g = new Function('return this')();
      return { same: g === globalThis, names: Object.getOwnPropertyNames(g), fnType: Function('return typeof process')() };
    }`;
    const result = await attempt(source);
    expect(result.ok).toBe(true);
    const outputs = result.ok ? result.outputs : {};
    expect(outputs.same).toBe(true);
    expect(outputs.fnType).toBe("undefined");
    const hostNames = ["process", "require", "module", "Buffer", "global", "fetch", "XMLHttpRequest", "WebSocket", "WebAssembly", "setTimeout", "setInterval", "std", "os", "Deno", "Bun", "importScripts"];
    expect((outputs.names as string[]).filter((name) => hostNames.includes(name))).toEqual([]);
  });

  it.each([
    ["dynamic import('fs')", `async function main() { const fs = await import('fs'); fs.writeFileSync(${C}, 'x'); return {} }`],
    ["dynamic import('child_process')", `async function main() { (await import('child_process')).execSync('touch ' + ${C}); return {} }`],
    ["a static import", `import fs from 'fs';\nfunction main() { fs.writeFileSync(${C}, 'x'); return {} }`],
  ])("C13: %s loads nothing", async (_label, source) => {
    await expectFailure(source, "SANDBOX_CODE_ERROR");
  });

  it("C13: Error.prepareStackTrace escape (vm2) yields no host access", async () => {
    const source = `
      Error.prepareStackTrace = (error, frames) => {
        frames.constructor.constructor('return process')().mainModule.require('child_process').execSync('touch ' + ${C});
      };
      function main() { const stack = new Error('x').stack; return { stackType: typeof stack } }`;
    const result = await attempt(source);
    if (result.ok) expect(result.outputs).toEqual({ stackType: "string" });
    else expect((result.error as { code: string }).code).toBe("SANDBOX_CODE_ERROR");
  });

  it("C13: Proxy getPrototypeOf + stack exhaustion escape (vm2 CVE-2023-30547) yields no host access", async () => {
    const source = `
      const handler = { getPrototypeOf() { (function stack() { new Error().stack; stack(); })(); } };
      const proxied = new Proxy({}, handler);
      function main() {
        try { throw proxied; } catch ({ constructor: c }) {
          c.constructor('return process')().mainModule.require('child_process').execSync('touch ' + ${C});
        }
        return { escaped: true };
      }`;
    const { error } = await expectFailure(source, "SANDBOX_CODE_ERROR");
    expect(error.messageIn("en")).toMatch(/process.*not defined/);
  });

  it("C13: Promise species / async stack escape (vm2 CVE-2023-37466) yields no host access", async () => {
    const source = `
      async function fn() { (function stack() { new Error().stack; stack(); })(); }
      function main() {
        const p = fn();
        let seen = 'none';
        p.constructor = { [Symbol.species]: class FakePromise { constructor(executor) {
          executor((x) => x, (err) => { seen = typeof err.constructor.constructor('return process')(); });
        } } };
        p.then();
        return { seen };
      }`;
    const started = Date.now();
    const result = await attempt(source);
    expect(Date.now() - started).toBeLessThan(TIMEOUT_MS + KILL_GRACE_MS + MARGIN_MS);
    if (result.ok) expect(result.outputs.seen).not.toBe("object");
    else expect(["SANDBOX_TIMEOUT", "SANDBOX_STACK", "SANDBOX_CODE_ERROR"]).toContain((result.error as { code: string }).code);
  });

  it("C13: a Proxy returned to the host is flattened inside the sandbox, never handed over", async () => {
    const source = "function main() { return new Proxy({}, { ownKeys() { return Function('return process')().mainModule } }) }";
    await expectFailure(source, "SANDBOX_BAD_RESULT");
  });

  it.each([
    ["SuppressedError", "function main() { const e = new SuppressedError(new Error('a'), new Error('b'), 'm'); return { t: typeof e.error.constructor.constructor('return process')() } }"],
    ["WebAssembly.JSTag", "function main() { return { tag: String(WebAssembly.JSTag) } }"],
    ["a generator yield* delegation", "function* g() { yield* { [Symbol.iterator]() { return { next() { return { done: false, value: this.constructor.constructor('return process')() } } } } } }\nfunction main() { return { v: typeof g().next().value } }"],
  ])("C13: the %s escape yields no host access", async (_label, source) => {
    await expectFailure(source, "SANDBOX_CODE_ERROR");
  });

  it("C13: while(true){} ends in a timeout within the cap", async () => {
    const { elapsed } = await expectFailure("function main() { while (true) {} }", "SANDBOX_TIMEOUT");
    expect(elapsed).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
    expect(elapsed).toBeLessThan(TIMEOUT_MS + MARGIN_MS);
  });

  it("C13: catastrophic regex backtracking ends in a timeout within the cap", async () => {
    const { elapsed } = await expectFailure("function main() { return { r: /(a+)+$/.test('a'.repeat(40) + 'b') } }", "SANDBOX_TIMEOUT");
    expect(elapsed).toBeLessThan(TIMEOUT_MS + KILL_GRACE_MS + MARGIN_MS);
  });

  it("C13: uninterruptible native work is killed by the wall-clock guard", async () => {
    const killed = pool.stats().killed;
    const source = "function main() { let a = []; for (let i = 0; i < 1e5; i++) a = [a]; return { n: JSON.stringify(a).length } }";
    const { elapsed } = await expectFailure(source, "SANDBOX_TIMEOUT");
    expect(elapsed).toBeLessThan(TIMEOUT_MS + KILL_GRACE_MS + MARGIN_MS);
    expect(pool.stats().killed).toBeGreaterThanOrEqual(killed);
  });

  it.each([
    ["a 2 GB array", "function main() { return { n: new Array(1e9).fill(1).length } }"],
    ["string doubling", "function main() { let s = 'x'; for (;;) s += s; }"],
    ["a growing list of buffers", "function main() { const a = []; for (;;) a.push(new Float64Array(1 << 16)); }"],
    ["a 2 GB ArrayBuffer in 64 MB steps", "function main() { const a = []; for (let i = 0; i < 32; i++) a.push(new ArrayBuffer(64 * 1024 * 1024)); return { n: a.length } }"],
  ])("C13: %s ends in a memory error", async (_label, source) => {
    const { error } = await expectFailure(source, "SANDBOX_MEMORY", { timeoutMs: 10_000 });
    expect(error.messageIn("en")).toContain("32 MB");
  });

  it("C13: 100 MB of console.log ends in the output cap", async () => {
    await expectFailure("function main() { const line = 'x'.repeat(1000); for (let i = 0; i < 100000; i++) console.log(line); return {} }", "SANDBOX_OUTPUT_TOO_LARGE", { timeoutMs: 10_000 });
  });

  it("C13: a huge return value ends in the output cap", async () => {
    await expectFailure("function main() { return { big: 'x'.repeat(5 * 1024 * 1024) } }", "SANDBOX_OUTPUT_TOO_LARGE");
  });

  it("C13: fetch('http://169.254.169.254') does not exist (nothing is dialled)", async () => {
    const { error } = await expectFailure("async function main() { const r = await fetch('http://169.254.169.254/latest/meta-data/'); return { body: await r.text() } }", "SANDBOX_CODE_ERROR");
    expect(error.messageIn("en")).toMatch(/fetch.*not defined/);
    const probe = await attempt("function main() { return { xhr: typeof XMLHttpRequest, ws: typeof WebSocket, net: typeof net } }");
    expect(probe).toMatchObject({ ok: true, outputs: { xhr: "undefined", ws: "undefined", net: "undefined" } });
  });

  it.each([
    ["unbounded recursion", "function f() { f(); f(); }\nfunction main() { f(); return {} }"],
    ["mutual recursion through getters", "const o = { get a() { return this.b }, get b() { return this.a } };\nfunction main() { return { v: o.a } }"],
  ])("C13: a fork-bomb-like %s ends in a stack error", async (_label, source) => {
    await expectFailure(source, "SANDBOX_STACK");
  });

  it("C13: exponential recursion that swallows stack errors still ends within the cap", async () => {
    const started = Date.now();
    const result = await attempt("function f() { try { f() } catch (e) { f() } }\nfunction main() { f(); return {} }");
    expect(result.ok).toBe(false);
    expect(["SANDBOX_TIMEOUT", "SANDBOX_STACK"]).toContain((result as { error: { code: string } }).error.code);
    expect(Date.now() - started).toBeLessThan(TIMEOUT_MS + KILL_GRACE_MS + MARGIN_MS);
  });

  it("C13: host secrets appear in no output, log or error", async () => {
    const source = `function main() {
      const found = [];
      const names = Object.getOwnPropertyNames(globalThis);
      for (const name of names) { try { found.push(name + '=' + String(globalThis[name])) } catch (e) {} }
      console.log(found.join('\\n'));
      return { names };
    }`;
    const result = await attempt(source);
    expect(result.ok).toBe(true);
    expect(seen.length).toBeGreaterThan(20);
    for (const text of seen) expect(text).not.toContain(secret);
  });
});
