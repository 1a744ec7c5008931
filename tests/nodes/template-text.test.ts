import { describe, expect, it } from "vitest";
import { isVariableName, renderTemplate, templateVariables, valueToText } from "@/nodes/template-text";

describe("template text", () => {
  it("finds Chinese and spaced variable names once each, in order", () => {
    expect(templateVariables("{{ 问题 }}，上下文：{{context}}，再问 {{问题}} {{ a_1 }}")).toEqual(["问题", "context", "a_1"]);
  });

  it("ignores things that are not variables", () => {
    expect(templateVariables("{{a-b}} {{}} {single} {{ two words }}")).toEqual([]);
  });

  it("renders missing values as empty and never re-reads inserted text", () => {
    expect(renderTemplate("{{x}}|{{缺失}}|{{y}}", { x: "{{y}}", y: "Y" })).toBe("{{y}}||Y");
  });

  it("does not read inherited properties as variables", () => {
    expect(renderTemplate("[{{constructor}}][{{toString}}]", {})).toBe("[][]");
  });

  it("reads documents as a numbered context block", () => {
    expect(valueToText([{ id: "1", text: "北京是首都。" }, { id: "2", text: "上海是城市。" }])).toBe("[1] 北京是首都。\n\n[2] 上海是城市。");
    expect(valueToText(3)).toBe("3");
    expect(valueToText({ a: 1 })).toBe('{"a":1}');
  });

  it.each(["名字", "a_1", "ユーザー"])("accepts %s as a name", (name) => expect(isVariableName(name)).toBe(true));
  it.each(["", "a b", "a-b", "a.b", "x".repeat(65)])("rejects %j as a name", (name) => expect(isVariableName(name)).toBe(false));
});
