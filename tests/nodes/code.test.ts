import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { runFlow } from "@/lib/engine/run-flow";
import type { RunEvent } from "@/lib/flow/run-record";
import { SandboxPool } from "@/lib/sandbox";
import { nodeRegistry } from "@/nodes";
import { code } from "@/nodes/code";
import type { RunCodeRequest } from "@/nodes/context";
import { portsOf } from "@/nodes/define";
import { fakeCtx } from "./fake-ctx";

let pool: SandboxPool;
const ctx = (locale: "en" | "zh" = "en") => fakeCtx({ locale, runCode: (request) => pool.run(request) });

beforeAll(async () => {
  pool = new SandboxPool({ size: 2 });
  await pool.warm();
});
afterAll(() => pool.close());

async function failure(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => {
      throw new Error("expected the node to fail");
    },
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe("code node", () => {
  it("has working defaults: a text input, result/length outputs and console output", async () => {
    const config = code.config.parse({});
    expect(config).toMatchObject({ inputs: ["text"], timeoutMs: 5000, memoryMb: 64 });
    const { inputs, outputs } = portsOf(code, config);
    expect(Object.entries(inputs).map(([name, spec]) => [name, spec.kind])).toEqual([["text", "any"]]);
    expect(Object.entries(outputs).map(([name, spec]) => [name, spec.kind])).toEqual([["result", "text"], ["length", "number"], ["logs", "json"]]);
    const text = "  你好，世界  ";
    expect(await code.run({ config, inputs: { text }, ctx: ctx() })).toEqual({ result: text.trim(), length: [...text].length, logs: [] });
  });

  it("round-trips Chinese names and values, JSON included", async () => {
    const source = `function main(inputs) {
      console.log("处理", inputs.姓名);
      return { 问候: "你好，" + inputs.姓名 + "！", 详情: { 城市: inputs.城市, 标签: ["甲", "乙"] }, 已读: true, 年龄: inputs.年龄 + 1 };
    }`;
    const config = code.config.parse({
      source,
      inputs: ["姓名", "城市", "年龄"],
      outputs: [{ name: "问候", kind: "text" }, { name: "详情", kind: "json" }, { name: "已读", kind: "boolean" }, { name: "年龄", kind: "number" }],
    });
    const result = await code.run({ config, inputs: { 姓名: "小明", 城市: "杭州", 年龄: 29 }, ctx: ctx("zh") });
    expect(result).toEqual({ 问候: "你好，小明！", 详情: { 城市: "杭州", 标签: ["甲", "乙"] }, 已读: true, 年龄: 30, logs: ["处理 小明"] });
  });

  it("passes only declared, connected inputs, with the node's limits and signal", async () => {
    let seen: RunCodeRequest | undefined;
    const controller = new AbortController();
    const capture = fakeCtx({
      signal: controller.signal,
      runCode: async (request) => {
        seen = request;
        return { outputs: { result: "ok", length: 2 }, logs: [] };
      },
    });
    const config = code.config.parse({ inputs: ["text", "extra"], timeoutMs: 1234, memoryMb: 16 });
    await code.run({ config, inputs: { text: "t", extra: undefined, undeclared: "x" }, ctx: capture });
    expect(seen).toMatchObject({ source: config.source, inputs: { text: "t" }, timeoutMs: 1234, memoryBytes: 16 * 1024 * 1024, maxOutputBytes: 1024 * 1024 });
    expect(seen?.signal).toBe(controller.signal);
  });

  it.each([
    ["text", "42", "number"],
    ["number", "'42'", "text"],
    ["number", "null", "null"],
    ["boolean", "'yes'", "text"],
    ["text", "['a']", "a list"],
    ["text", "{ a: 1 }", "an object"],
  ] as const)("refuses a %s output given %s", async (kind, value, got) => {
    const config = code.config.parse({ source: `function main() { return { answer: ${value} } }`, inputs: [], outputs: [{ name: "answer", kind }] });
    const error = await failure(code.run({ config, inputs: {}, ctx: ctx() }));
    expect(error.code).toBe("CODE_OUTPUT_KIND");
    expect(error.messageIn("en")).toContain('"answer"');
    expect(error.messageIn("en")).toContain(got);
    expect(error.messageIn("zh")).toContain("「answer」");
  });

  it("names an output the code did not return", async () => {
    const config = code.config.parse({ source: "function main() { return { result: 'x' } }", outputs: [{ name: "result" }, { name: "摘要" }] });
    const error = await failure(code.run({ config, inputs: {}, ctx: ctx() }));
    expect(error.code).toBe("CODE_OUTPUT_MISSING");
    expect(error.messageIn("en")).toContain('"摘要"');
    expect(error.messageIn("zh")).toContain("「摘要」");
  });

  it("accepts any JSON value, null included, for a json output", async () => {
    const config = code.config.parse({ source: "function main() { return { data: null } }", outputs: [{ name: "data", kind: "json" }] });
    expect(await code.run({ config, inputs: {}, ctx: ctx() })).toEqual({ data: null, logs: [] });
  });

  it("surfaces the user's error with its message and line", async () => {
    const config = code.config.parse({ source: "function main(inputs) {\n  const n = Number(inputs.text);\n  if (Number.isNaN(n)) throw new RangeError('不是数字: ' + inputs.text);\n  return { result: String(n), length: 1 };\n}" });
    const error = await failure(code.run({ config, inputs: { text: "abc" }, ctx: ctx() }));
    expect(error.code).toBe("SANDBOX_CODE_ERROR");
    expect(error.messageIn("en")).toContain("RangeError: 不是数字: abc");
    expect(error.messageIn("en")).toContain("line 3");
    expect(error.messageIn("zh")).toContain("第 3 行");
  });

  it("stops code that runs past its time limit", async () => {
    const config = code.config.parse({ source: "function main() { for (;;) {} }", timeoutMs: 300 });
    const started = Date.now();
    const error = await failure(code.run({ config, inputs: {}, ctx: ctx() }));
    expect(error.code).toBe("SANDBOX_TIMEOUT");
    expect(Date.now() - started).toBeLessThan(300 + 2500);
  });

  it("says plainly when no sandbox is available", async () => {
    const error = await failure(code.run({ config: code.config.parse({}), inputs: { text: "x" }, ctx: fakeCtx() }));
    expect(error.code).toBe("CODE_UNAVAILABLE");
    expect(error.messageIn("zh")).toMatch(/沙箱/);
  });

  it("runs inside a flow: start → code → answer", async () => {
    const flow = {
      schemaVersion: 1 as const,
      nodes: [
        { id: "start", type: "start", position: { x: 0, y: 0 }, data: {} },
        { id: "code", type: "code", position: { x: 200, y: 0 }, data: { source: "function main({ text }) { return { result: text.split('').reverse().join('') } }", outputs: [{ name: "result", kind: "text" }] } },
        { id: "answer", type: "answer", position: { x: 400, y: 0 }, data: {} },
      ],
      edges: [
        { id: "e1", source: "start", sourceHandle: "message", target: "code", targetHandle: "text" },
        { id: "e2", source: "code", sourceHandle: "result", target: "answer", targetHandle: "text" },
      ],
    };
    const events: RunEvent[] = [];
    const services = { chat: () => Promise.reject(new Error("no model")), fetch: () => Promise.reject(new Error("no network")), runCode: (request: RunCodeRequest) => pool.run(request) };
    for await (const event of runFlow(flow, { registry: nodeRegistry, services, input: { message: "上海自来水", history: [], variables: {} }, locale: "zh" })) events.push(event);
    const finished = events.find((event) => event.type === "run-finished");
    expect(finished).toMatchObject({ status: "succeeded", answer: { text: "水来自海上" } });
  });

  it.each([
    { source: "" },
    { source: "function notIt() {}" },
    { source: `function main() {}\n${"//".repeat(50_001)}` },
    { inputs: ["a b"] },
    { inputs: ["a", "a"] },
    { outputs: [] },
    { outputs: [{ name: "logs", kind: "text" }] },
    { outputs: [{ name: "x", kind: "date" }] },
    { outputs: [{ name: "x" }, { name: "x" }] },
    { timeoutMs: 0 },
    { timeoutMs: 30_001 },
    { timeoutMs: 1.5 },
    { memoryMb: 4 },
    { memoryMb: 512 },
  ])("rejects bad settings %o", (bad) => {
    expect(() => code.config.parse(bad)).toThrow();
  });
});
