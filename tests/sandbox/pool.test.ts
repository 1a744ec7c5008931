import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SandboxPool } from "@/lib/sandbox";
import { expectSandboxError, testLimits } from "./helpers";

const fixture = (name: string) => path.join(__dirname, "fixtures", name);

describe("sandbox pool (QuickJS on worker threads)", () => {
  let pool: SandboxPool;
  const run = (source: string, inputs: Record<string, unknown> = {}, limits: Partial<typeof testLimits> = {}) => pool.run({ source, inputs, ...testLimits, ...limits });

  beforeAll(async () => {
    pool = new SandboxPool({ size: 2 });
    await pool.warm();
  });
  afterAll(() => pool.close());

  it("starts no worker until the first run", async () => {
    const idle = new SandboxPool();
    expect(idle.stats()).toMatchObject({ workers: 0, spawned: 0 });
    await idle.close();
  });

  it("passes inputs to main as JSON and returns its object and console output", async () => {
    const source = `function main(inputs) {
      console.log("收到", inputs.name, { n: inputs.n });
      return { greeting: "你好，" + inputs.name, doubled: inputs.n * 2, tags: inputs.tags.map((t) => t.toUpperCase()) };
    }`;
    const result = await run(source, { name: "小明", n: 21, tags: ["rag", "llm"] });
    expect(result.outputs).toEqual({ greeting: "你好，小明", doubled: 42, tags: ["RAG", "LLM"] });
    expect(result.logs).toEqual(['收到 小明 {"n":21}']);
  });

  it.each([
    ["an async main", "async function main(i) { const v = await Promise.resolve(i.x); return { v: v + 1 } }"],
    ["an arrow function in a const", "const main = (i) => ({ v: i.x + 1 });"],
  ])("accepts %s", async (_label, source) => {
    expect((await run(source, { x: 1 })).outputs).toEqual({ v: 2 });
  });

  it("hands over a JSON copy of the inputs, not live host objects", async () => {
    const source = "function main(i) { return { when: typeof i.when, value: i.when, fn: typeof i.fn, nested: i.obj.a.b } }";
    const when = new Date("2024-05-01T08:00:00Z");
    const result = await run(source, { when, fn: () => 1, obj: { a: { b: "深" } } });
    expect(result.outputs).toEqual({ when: "string", value: when.toISOString(), fn: "undefined", nested: "深" });
  });

  it("refuses inputs that cannot be written as JSON", async () => {
    await expectSandboxError(run("function main() { return {} }", { big: 10n }), "SANDBOX_INPUT_INVALID");
  });

  it("gives every run fresh globals and prototypes (nothing leaks between runs)", async () => {
    await run("function main() { globalThis.leaked = '上一次'; Object.prototype.polluted = 1; Array.prototype.push = null; return {} }");
    const after = await run("function main() { const a = []; a.push(1); return { leaked: typeof leaked, polluted: ({}).polluted === undefined, length: a.length } }");
    expect(after.outputs).toEqual({ leaked: "undefined", polluted: true, length: 1 });
  });

  it("reports the user's error message and line", async () => {
    const source = "function main(inputs) {\n  const balance = inputs.balance;\n  if (balance < 10) throw new Error('余额不足');\n  return { ok: true };\n}";
    const error = await expectSandboxError(run(source, { balance: 1 }), "SANDBOX_CODE_ERROR");
    expect(error.messageIn("en")).toContain("Error: 余额不足");
    expect(error.messageIn("en")).toContain("line 3");
    expect(error.messageIn("zh")).toContain("第 3 行");
    expect(error.details).toMatchObject({ line: 3 });
  });

  it("reports a syntax error with its line, without running anything", async () => {
    const error = await expectSandboxError(run("function main() {\n  console.log('x');\n  return { a: };\n}"), "SANDBOX_CODE_ERROR");
    expect(error.messageIn("en")).toMatch(/SyntaxError/);
    expect(error.details).toMatchObject({ line: 3 });
  });

  it.each([
    ["no main function", "function notMain() { return {} }", "SANDBOX_NO_MAIN"],
    ["an array result", "function main() { return [1, 2] }", "SANDBOX_BAD_RESULT"],
    ["a string result", "function main() { return 'text' }", "SANDBOX_BAD_RESULT"],
    ["a result JSON cannot hold", "function main() { return { n: 1n } }", "SANDBOX_BAD_RESULT"],
    ["a promise that never settles", "function main() { return new Promise(() => {}) }", "SANDBOX_BAD_RESULT"],
    ["a rejected promise", "async function main() { throw new TypeError('坏了') }", "SANDBOX_CODE_ERROR"],
  ] as const)("fails clearly on %s", async (_label, source, code) => {
    await expectSandboxError(run(source), code);
  });

  it("cancels a running script when the signal aborts, and the next run works", async () => {
    const controller = new AbortController();
    const killedBefore = pool.stats().killed;
    const started = Date.now();
    const running = pool.run({ source: "function main() { for (;;) {} }", inputs: {}, ...testLimits, timeoutMs: 20_000, signal: controller.signal });
    setTimeout(() => controller.abort(), 200);
    await expectSandboxError(running, "SANDBOX_CANCELLED");
    expect(Date.now() - started).toBeLessThan(5000);
    expect(pool.stats().killed).toBe(killedBefore + 1);
    expect((await run("function main() { return { ok: true } }")).outputs).toEqual({ ok: true });
  });

  it("does not start a run whose signal is already aborted", async () => {
    const fresh = new SandboxPool();
    await expectSandboxError(fresh.run({ source: "function main() { return {} }", inputs: {}, ...testLimits, signal: AbortSignal.abort() }), "SANDBOX_CANCELLED");
    expect(fresh.stats().spawned).toBe(0);
    await fresh.close();
  });

  it("holds 60 concurrent runs, each with its own result", async () => {
    const results = await Promise.all(Array.from({ length: 60 }, (_, i) => run("function main(i) { return { n: i.n * i.n, text: '第' + i.n + '个' } }", { n: i })));
    expect(results.map((r) => r.outputs)).toEqual(Array.from({ length: 60 }, (_, i) => ({ n: i * i, text: `第${i}个` })));
  });

  it("refuses runs beyond the queue limit", async () => {
    const small = new SandboxPool({ size: 1, limits: { maxQueue: 1 } });
    await small.warm();
    const first = small.run({ source: "function main() { for (;;) {} }", inputs: {}, ...testLimits, timeoutMs: 1500 });
    const second = small.run({ source: "function main() { return { ok: 1 } }", inputs: {}, ...testLimits });
    await expectSandboxError(small.run({ source: "function main() { return {} }", inputs: {}, ...testLimits }), "SANDBOX_BUSY");
    await expectSandboxError(first, "SANDBOX_TIMEOUT");
    expect((await second).outputs).toEqual({ ok: 1 });
    await small.close();
  });

  it("fails queued and new runs after close", async () => {
    const closing = new SandboxPool({ size: 1 });
    await closing.close();
    await expectSandboxError(closing.run({ source: "function main() { return {} }", inputs: {}, ...testLimits }), "SANDBOX_UNAVAILABLE");
  });
});

describe("sandbox pool guards (stand-in workers)", () => {
  it("kills a worker that ignores its deadline, and replaces it", async () => {
    const pool = new SandboxPool({ size: 1, workerFile: fixture("stub-worker.mjs"), limits: { killGraceMs: 300 } });
    const started = Date.now();
    await expectSandboxError(pool.run({ source: "hang", inputs: {}, ...testLimits, timeoutMs: 300 }), "SANDBOX_TIMEOUT");
    expect(Date.now() - started).toBeLessThan(300 + 300 + 3000);
    expect(pool.stats()).toMatchObject({ killed: 1 });
    expect((await pool.run({ source: "again", inputs: {}, ...testLimits })).outputs).toEqual({ echo: "again" });
    expect(pool.stats().spawned).toBe(2);
    await pool.close();
  });

  it("reports a worker that dies mid-run, and the next run works", async () => {
    const pool = new SandboxPool({ size: 1, workerFile: fixture("stub-worker.mjs") });
    await expectSandboxError(pool.run({ source: "crash", inputs: {}, ...testLimits }), "SANDBOX_CRASHED");
    expect((await pool.run({ source: "after", inputs: {}, ...testLimits })).outputs).toEqual({ echo: "after" });
    await pool.close();
  });

  it("gives up quickly when workers cannot start at all", async () => {
    const pool = new SandboxPool({ size: 2, workerFile: fixture("broken-worker.mjs") });
    await expectSandboxError(pool.run({ source: "x", inputs: {}, ...testLimits }), "SANDBOX_UNAVAILABLE");
    expect(pool.stats().spawned).toBeLessThanOrEqual(3);
    await pool.close();
  });

  it("fails clearly when the worker script is missing", async () => {
    const pool = new SandboxPool({ size: 1, workerFile: fixture("no-such-worker.mjs") });
    await expectSandboxError(pool.run({ source: "x", inputs: {}, ...testLimits }), "SANDBOX_UNAVAILABLE");
    await pool.close();
  });

  it("starts workers with an empty environment (no host secrets inside)", async () => {
    process.env.TRELLIS_TEST_SECRET = "pool-env-secret-值";
    try {
      const pool = new SandboxPool({ size: 1, workerFile: fixture("stub-worker.mjs") });
      const { outputs } = await pool.run({ source: "env", inputs: {}, ...testLimits });
      expect(outputs).toEqual({ secret: null, keys: [] });
      await pool.close();
    } finally {
      delete process.env.TRELLIS_TEST_SECRET;
    }
  });
});
