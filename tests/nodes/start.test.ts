import { describe, expect, it } from "vitest";
import { isAppError } from "@/lib/errors";
import { portsOf } from "@/nodes/define";
import { start } from "@/nodes/start";
import { fakeCtx } from "./fake-ctx";

const settings = start.config.parse({
  variables: [
    { name: "年龄", label: "年龄", type: "number", required: true },
    { name: "vip", type: "boolean" },
    { name: "city", type: "text", default: "北京" },
    { name: "limit", type: "number", default: "5" },
  ],
});

async function runWith(variables: Record<string, unknown>) {
  return start.run({ config: settings, inputs: {}, ctx: fakeCtx({ run: { message: "你好", variables } }) });
}

async function failure(variables: Record<string, unknown>) {
  try {
    await runWith(variables);
  } catch (error) {
    if (isAppError(error)) return error;
    throw error;
  }
  throw new Error("expected the start node to fail");
}

describe("start node", () => {
  it("defaults to no variables and outputs message and history", async () => {
    const config = start.config.parse({});
    expect(config.variables).toEqual([]);
    const history = [{ role: "user" as const, content: "上一轮" }];
    const out = await start.run({ config, inputs: {}, ctx: fakeCtx({ run: { message: "今天天气？", history } }) });
    expect(out).toEqual({ message: "今天天气？", history });
    expect(Object.keys(portsOf(start, config).outputs)).toEqual(["message", "history"]);
  });

  it("has one typed output port per variable", () => {
    const { outputs } = portsOf(start, settings);
    expect(Object.fromEntries(Object.entries(outputs).map(([name, spec]) => [name, spec.kind]))).toEqual({
      message: "text",
      history: "messages",
      年龄: "number",
      vip: "boolean",
      city: "text",
      limit: "number",
    });
  });

  it("coerces strings to the declared types and applies defaults", async () => {
    expect(await runWith({ 年龄: " 30 ", vip: "是" })).toMatchObject({ message: "你好", 年龄: 30, vip: true, city: "北京", limit: 5 });
    expect(await runWith({ 年龄: 18, vip: false, city: "上海", limit: 1 })).toMatchObject({ 年龄: 18, vip: false, city: "上海", limit: 1 });
  });

  it("gives optional variables without a default an empty value", async () => {
    const out = await runWith({ 年龄: 1 });
    expect(out.vip).toBe(false);
  });

  it("names a missing required variable, in Chinese too", async () => {
    const error = await failure({ vip: true });
    expect(error.code).toBe("VARIABLE_MISSING");
    expect(error.status).toBe(400);
    expect(error.messageIn("zh")).toBe("缺少必填输入「年龄」。");
    expect(error.messageIn("en")).toContain('"年龄" is required');
  });

  it.each([{ 年龄: "三十" }, { 年龄: "30", vip: "maybe" }, { 年龄: { n: 1 } }, { 年龄: Number.NaN }])("rejects a wrongly typed value %o", async (variables) => {
    const error = await failure(variables);
    expect(error.code).toBe("VARIABLE_INVALID");
    expect(error.messageIn("zh")).toMatch(/^输入「(年龄|vip)」必须是/);
  });

  it.each([
    { variables: [{ name: "a b" }] },
    { variables: [{ name: "x" }, { name: "x" }] },
    { variables: [{ name: "message" }] },
    { variables: [{ name: "n", type: "number", default: "abc" }] },
    { variables: [{ name: "t", type: "date" }] },
  ])("rejects bad settings %o", (bad) => {
    expect(() => start.config.parse(bad)).toThrow();
  });
});
