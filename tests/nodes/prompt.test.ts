import { describe, expect, it } from "vitest";
import { portsOf } from "@/nodes/define";
import { prompt } from "@/nodes/prompt";
import { fakeCtx } from "./fake-ctx";

describe("prompt node", () => {
  it("defaults to the message", async () => {
    const config = prompt.config.parse({});
    expect(Object.keys(portsOf(prompt, config).inputs)).toEqual(["message"]);
    expect(await prompt.run({ config, inputs: { message: "你好" }, ctx: fakeCtx() })).toEqual({ prompt: "你好" });
  });

  it("has one text input per Chinese or English variable", () => {
    const config = prompt.config.parse({ template: "根据{{ 上下文 }}回答{{问题}}。Question: {{question}} {{问题}}" });
    const { inputs } = portsOf(prompt, config);
    expect(Object.keys(inputs)).toEqual(["上下文", "问题", "question"]);
    expect(Object.values(inputs).every((spec) => spec.kind === "text")).toBe(true);
  });

  it("renders Chinese values and leaves missing ones empty", async () => {
    const config = prompt.config.parse({ template: "根据{{ 上下文 }}回答：{{问题}}{{缺}}" });
    const out = await prompt.run({ config, inputs: { 上下文: "资料", 问题: "北京在哪？" }, ctx: fakeCtx() });
    expect(out).toEqual({ prompt: "根据资料回答：北京在哪？" });
  });

  it("keeps a value containing {{x}} literal (C6)", async () => {
    const config = prompt.config.parse({ template: "{{a}} / {{b}}" });
    const out = await prompt.run({ config, inputs: { a: "{{b}}", b: "secret" }, ctx: fakeCtx() });
    expect(out).toEqual({ prompt: "{{b}} / secret" });
  });

  it.each([{ template: 42 }, { template: "x".repeat(100_001) }])("rejects bad settings", (bad) => {
    expect(() => prompt.config.parse(bad)).toThrow();
  });
});
