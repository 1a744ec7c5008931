import { describe, expect, it } from "vitest";
import { condition, evaluateRule, hasNestedQuantifier, type ConditionOperator } from "@/nodes/condition";
import { portsOf } from "@/nodes/define";
import { fakeCtx } from "./fake-ctx";

function rule(operator: ConditionOperator, value = "", path = "") {
  return { operator, value, path };
}

describe("condition node", () => {
  it("defaults to one not-empty branch plus else", async () => {
    const config = condition.config.parse({});
    expect(Object.keys(portsOf(condition, config).outputs)).toEqual(["if", "else"]);
    expect(await condition.run({ config, inputs: { input: "有内容" }, ctx: fakeCtx() })).toEqual({ if: "有内容" });
    expect(await condition.run({ config, inputs: { input: "  " }, ctx: fakeCtx() })).toEqual({ else: "  " });
  });

  const config = condition.config.parse({
    branches: [
      { id: "退款", label: "退款", match: "any", rules: [rule("contains", "退款"), rule("contains", "refund")] },
      { id: "adult", match: "all", rules: [rule("gte", "18", "user.age"), rule("not-empty", "", "user.name")] },
      { id: "code", rules: [rule("regex", "^订单\\d{4,}$")] },
    ],
  });

  it.each([
    ["我要退款", "退款"],
    ["please refund", "退款"],
    [{ user: { age: 20, name: "李雷" } }, "adult"],
    ['{"user":{"age":"18","name":"韩梅梅"}}', "adult"],
    [{ user: { age: 17, name: "小明" } }, "else"],
    [{ user: { age: "abc", name: "x" } }, "else"],
    [{ user: { age: 30, name: "" } }, "else"],
    ["订单12345", "code"],
    ["订单12", "else"],
    ["随便聊聊", "else"],
  ])("routes %j to %s and carries the input", async (input, expected) => {
    const out = await condition.run({ config, inputs: { input }, ctx: fakeCtx() });
    expect(out).toEqual({ [expected]: input });
  });

  it("has one any-kind output per branch id plus else", () => {
    const { outputs } = portsOf(condition, config);
    expect(Object.keys(outputs)).toEqual(["退款", "adult", "code", "else"]);
    expect(Object.values(outputs).every((spec) => spec.kind === "any")).toBe(true);
  });

  it("declares that its input passes through unchanged to every branch output", () => {
    expect(condition.passthrough?.(config)).toEqual({ input: ["退款", "adult", "code", "else"] });
  });

  it.each<[ConditionOperator, string, unknown, boolean]>([
    ["equals", "北京", "北京", true],
    ["equals", "10", 10, true],
    ["equals", "true", true, true],
    ["not-equals", "北京", "上海", true],
    ["contains", "京", "北京", true],
    ["contains", "b", ["a", "b"], true],
    ["not-contains", "x", "北京", true],
    ["starts-with", "北", "北京", true],
    ["ends-with", "京", "北京", true],
    ["ends-with", "北", "北京", false],
    ["empty", "", [], true],
    ["empty", "", {}, true],
    ["empty", "", null, true],
    ["empty", "", 0, false],
    ["not-empty", "", "x", true],
    ["gt", "9", "10", true],
    ["gt", "9", "10a", false],
    ["lt", "9", 10, false],
    ["gte", "10", 10, true],
    ["lte", "-1", -1.5, true],
    ["lt", "5", undefined, false],
    ["regex", "^\\p{Script=Han}+$", "中文", true],
    ["regex", "^\\p{Script=Han}+$", "abc", false],
  ])("%s %j against %j is %s", (operator, value, input, expected) => {
    expect(evaluateRule(rule(operator, value), input)).toBe(expected);
  });

  it("only tests the first 10 000 characters against a regex", () => {
    expect(evaluateRule(rule("regex", "x"), `${"a".repeat(10_000)}x`)).toBe(false);
    expect(evaluateRule(rule("regex", "x"), `${"a".repeat(9_999)}x`)).toBe(true);
  });

  it("does not read inherited properties through the path", () => {
    expect(evaluateRule(rule("not-empty", "", "constructor"), {})).toBe(false);
  });

  it.each([
    { branches: [] },
    { branches: [{ id: "else", rules: [rule("empty")] }] },
    { branches: [{ id: "a", rules: [rule("empty")] }, { id: "a", rules: [rule("empty")] }] },
    { branches: [{ id: "a", rules: [] }] },
    { branches: [{ id: "a b", rules: [rule("empty")] }] },
    { branches: [{ id: "a", rules: [rule("regex", "([a-z")] }] },
    { branches: [{ id: "a", rules: [rule("regex", "(a+)+$")] }] },
    { branches: [{ id: "a", rules: [rule("gt", "many")] }] },
    { branches: [{ id: "a", rules: [rule("like" as ConditionOperator, "x")] }] },
  ])("rejects bad settings %j", (bad) => {
    expect(() => condition.config.parse(bad)).toThrow();
  });

  it("explains an invalid regex in both languages", () => {
    const result = condition.config.safeParse({ branches: [{ id: "a", rules: [rule("regex", "(")] }] });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0].message).toMatch(/Invalid regular expression.*正则表达式无效/);
  });

  it.each([
    ["(a+)+", true],
    ["(\\w*\\s?)*$", true],
    ["((ab)*c)+", true],
    ["(a|b){2,}", false],
    ["(a{2})+", true],
    ["^\\d{3}-\\d{4}$", false],
    ["\\p{L}+", false],
    ["[(a+)]+", false],
    ["(a)+", false],
  ])("nested quantifier check: %s → %s", (pattern, expected) => {
    expect(hasNestedQuantifier(pattern)).toBe(expected);
  });
});
