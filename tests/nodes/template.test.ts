import { describe, expect, it } from "vitest";
import { portsOf } from "@/nodes/define";
import { template } from "@/nodes/template";
import { fakeCtx } from "./fake-ctx";

describe("template node", () => {
  it("defaults to merging inputs a and b", () => {
    const config = template.config.parse({});
    expect(config).toMatchObject({ mode: "first-non-empty", inputs: ["a", "b"] });
    const { inputs } = portsOf(template, config);
    expect(Object.keys(inputs)).toEqual(["a", "b"]);
    expect(Object.values(inputs).every((spec) => spec.kind === "any" && !spec.required)).toBe(true);
  });

  it.each([
    [{ a: undefined, b: "分支 B" }, "分支 B"],
    [{ a: "", b: "分支 B" }, "分支 B"],
    [{ a: null, b: 0 }, "0"],
    [{ a: "分支 A", b: "分支 B" }, "分支 A"],
    [{}, ""],
  ])("first-non-empty of %o is %j", async (inputs, expected) => {
    expect(await template.run({ config: template.config.parse({}), inputs, ctx: fakeCtx() })).toEqual({ text: expected });
  });

  it("passes every input through in first-non-empty mode only", () => {
    expect(template.passthrough?.(template.config.parse({}))).toEqual({ a: "text", b: "text" });
    expect(template.passthrough?.(template.config.parse({ mode: "template", template: "{{a}}" }))).toEqual({});
  });

  it("renders a Chinese template without re-reading values", async () => {
    const config = template.config.parse({ mode: "template", inputs: ["姓名", "城市"], template: "{{ 姓名 }}住在{{城市}}" });
    expect(await template.run({ config, inputs: { 姓名: "{{城市}}", 城市: "杭州" }, ctx: fakeCtx() })).toEqual({ text: "{{城市}}住在杭州" });
  });

  it.each([
    { inputs: [] },
    { inputs: ["a", "a"] },
    { inputs: ["a b"] },
    { mode: "template", inputs: ["a"], template: "{{b}}" },
    { mode: "concat" },
  ])("rejects bad settings %o", (bad) => {
    expect(() => template.config.parse(bad)).toThrow();
  });
});
