import { z } from "zod";
import { defineNode } from "./define";
import type { PortMap } from "./define";
import { port } from "./ports";
import { VARIABLE_NAME_PATTERN, valueToText } from "./template-text";

/** Longest text a regex rule is tested against; bounds the cost of polynomial patterns. */
export const REGEX_INPUT_LIMIT = 10_000;
const REGEX_PATTERN_LIMIT = 500;

const operatorLabels = {
  equals: { en: "equals", zh: "等于" },
  "not-equals": { en: "does not equal", zh: "不等于" },
  contains: { en: "contains", zh: "包含" },
  "not-contains": { en: "does not contain", zh: "不包含" },
  "starts-with": { en: "starts with", zh: "开头是" },
  "ends-with": { en: "ends with", zh: "结尾是" },
  regex: { en: "matches regex", zh: "匹配正则表达式" },
  empty: { en: "is empty", zh: "为空" },
  "not-empty": { en: "is not empty", zh: "不为空" },
  gt: { en: ">", zh: "大于" },
  gte: { en: "≥", zh: "大于等于" },
  lt: { en: "<", zh: "小于" },
  lte: { en: "≤", zh: "小于等于" },
} as const;

export type ConditionOperator = keyof typeof operatorLabels;
const operators = Object.keys(operatorLabels) as [ConditionOperator, ...ConditionOperator[]];
const numericOperators: ConditionOperator[] = ["gt", "gte", "lt", "lte"];

const ruleSchema = z.object({
  path: z
    .string()
    .max(200)
    .default("")
    .meta({ label: { en: "Field", zh: "字段" }, help: {
        en: "Which part of the input to compare. Leave empty when the input is text; when it is structured data (JSON), name the field, e.g. user.age (the age inside user)",
        zh: "要比较输入中的哪一项。输入是普通文本时留空；输入是结构化数据（JSON）时填写字段名，如 user.age（user 里的 age）",
      }, }),
  operator: z.enum(operators).default("equals").meta({ label: { en: "Operator", zh: "运算符" }, options: operatorLabels }),
  value: z.string().max(10_000).default("").meta({ label: { en: "Value", zh: "比较值" } }),
});

const branchSchema = z.object({
  id: z
    .string()
    .regex(VARIABLE_NAME_PATTERN, "Use letters (Chinese included), digits and _ only / 只能使用字母（含中文）、数字和下划线")
    .meta({ label: { en: "Branch id", zh: "分支标识" }, help: { en: "Also the name of this branch's output", zh: "同时是该分支输出端口的名称" } }),
  label: z.string().max(100).optional().meta({ label: { en: "Label", zh: "显示名称" } }),
  match: z.enum(["all", "any"]).default("all").meta({ label: { en: "Match", zh: "匹配方式" }, options: { all: { en: "all rules", zh: "满足全部条件" }, any: { en: "any rule", zh: "满足任一条件" } } }),
  rules: z.array(ruleSchema).min(1).max(50).meta({ label: { en: "Rules", zh: "条件" } }),
});

export type ConditionRule = z.output<typeof ruleSchema>;
export type ConditionBranch = z.output<typeof branchSchema>;

/**
 * True when a pattern repeats something that itself repeats, like `(a+)+` or `(\w*\s?)*`:
 * the shape behind catastrophic backtracking, which no input cap can bound.
 */
export function hasNestedQuantifier(pattern: string): boolean {
  const groups: boolean[] = [false];
  let inClass = false;
  const repeatsAt = (index: number): boolean => {
    const ch = pattern[index];
    if (ch === "*" || ch === "+") return true;
    if (ch !== "{") return false;
    const bounds = /^\{(\d+)(,(\d*))?\}/.exec(pattern.slice(index));
    return bounds !== null && (bounds[2] !== undefined ? bounds[3] === "" || Number(bounds[3]) > 1 : Number(bounds[1]) > 1);
  };
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === "\\") {
      if ((pattern[i + 1] === "p" || pattern[i + 1] === "P" || pattern[i + 1] === "u") && pattern[i + 2] === "{") i = pattern.indexOf("}", i);
      else i++;
      if (i < 0) return false;
      continue;
    }
    if (inClass) {
      if (ch === "]") inClass = false;
      continue;
    }
    if (ch === "[") inClass = true;
    else if (ch === "(") groups.push(false);
    else if (ch === ")") {
      const inner = groups.length > 1 ? (groups.pop() as boolean) : false;
      const repeated = repeatsAt(i + 1);
      if (inner && repeated) return true;
      if (inner || repeated) groups[groups.length - 1] = true;
    } else if (repeatsAt(i)) groups[groups.length - 1] = true;
  }
  return false;
}

function isNumeric(text: string): boolean {
  return text.trim() !== "" && Number.isFinite(Number(text.trim()));
}

const config = z
  .object({
    branches: z
      .array(branchSchema)
      .min(1)
      .max(20)
      .default([{ id: "if", match: "all", rules: [{ path: "", operator: "not-empty", value: "" }] }])
      .meta({ label: { en: "Branches", zh: "分支" }, help: { en: "Checked in order; the first that matches is taken, otherwise “else”", zh: "按顺序检查，取第一个满足的分支；都不满足时走“否则”" } }),
  })
  .superRefine((value, issue) => {
    const seen = new Set<string>();
    value.branches.forEach((branch, b) => {
      if (branch.id === "else" || seen.has(branch.id)) {
        issue.addIssue({ code: "custom", path: ["branches", b, "id"], message: `Branch id "${branch.id}" is already used / 分支标识「${branch.id}」已被使用` });
      }
      seen.add(branch.id);
      branch.rules.forEach((rule, r) => {
        const at = ["branches", b, "rules", r, "value"];
        if (numericOperators.includes(rule.operator) && !isNumeric(rule.value)) {
          issue.addIssue({ code: "custom", path: at, message: `"${rule.value}" is not a number / 「${rule.value}」不是数字` });
        }
        if (rule.operator !== "regex") return;
        if (rule.value.length > REGEX_PATTERN_LIMIT) {
          issue.addIssue({ code: "custom", path: at, message: `Regular expression longer than ${REGEX_PATTERN_LIMIT} characters / 正则表达式超过 ${REGEX_PATTERN_LIMIT} 个字符` });
          return;
        }
        try {
          new RegExp(rule.value, "u");
        } catch (error) {
          const reason = error instanceof Error ? error.message : String(error);
          issue.addIssue({ code: "custom", path: at, message: `Invalid regular expression: ${reason} / 正则表达式无效：${reason}` });
          return;
        }
        if (hasNestedQuantifier(rule.value)) {
          issue.addIssue({ code: "custom", path: at, message: "Nested repetition such as (a+)+ can hang the run; simplify the pattern / 嵌套重复（如 (a+)+）可能导致运行卡死，请简化正则表达式" });
        }
      });
    });
  });

function valueAtPath(input: unknown, path: string): unknown {
  const trimmed = path.trim();
  if (trimmed === "") return input;
  let current = input;
  if (typeof current === "string") {
    try {
      current = JSON.parse(current);
    } catch {
      return undefined;
    }
  }
  for (const key of trimmed.split(".")) {
    if (current === null || typeof current !== "object" || !Object.prototype.hasOwnProperty.call(current, key)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

function isEmpty(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (typeof value === "string") return value.trim() === "";
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === "object") return Object.keys(value).length === 0;
  return false;
}

function toNumber(value: unknown): number {
  if (typeof value === "number") return value;
  if (typeof value === "string" && isNumeric(value)) return Number(value.trim());
  return Number.NaN;
}

function isEqual(actual: unknown, expected: string): boolean {
  if (typeof actual === "number") return isNumeric(expected) && actual === Number(expected.trim());
  if (typeof actual === "boolean") return String(actual) === expected.trim().toLowerCase();
  return valueToText(actual) === expected;
}

/**
 * Evaluates one rule against the node's input. Non-numeric values make numeric
 * comparisons false rather than throwing, so a malformed input takes the else branch.
 * @example evaluateRule({ path: "age", operator: "gte", value: "18" }, { age: 20 }) // true
 */
export function evaluateRule(rule: ConditionRule, input: unknown): boolean {
  const actual = valueAtPath(input, rule.path);
  const text = () => valueToText(actual);
  const number = () => toNumber(actual);
  const limit = () => toNumber(rule.value);
  switch (rule.operator) {
    case "equals":
      return isEqual(actual, rule.value);
    case "not-equals":
      return !isEqual(actual, rule.value);
    case "contains":
      return Array.isArray(actual) ? actual.some((item) => valueToText(item) === rule.value) : text().includes(rule.value);
    case "not-contains":
      return Array.isArray(actual) ? !actual.some((item) => valueToText(item) === rule.value) : !text().includes(rule.value);
    case "starts-with":
      return text().startsWith(rule.value);
    case "ends-with":
      return text().endsWith(rule.value);
    case "regex":
      return new RegExp(rule.value, "u").test(text().slice(0, REGEX_INPUT_LIMIT));
    case "empty":
      return isEmpty(actual);
    case "not-empty":
      return !isEmpty(actual);
    case "gt":
      return number() > limit();
    case "gte":
      return number() >= limit();
    case "lt":
      return number() < limit();
    case "lte":
      return number() <= limit();
  }
}

function branchMatches(branch: ConditionBranch, input: unknown): boolean {
  return branch.match === "all" ? branch.rules.every((rule) => evaluateRule(rule, input)) : branch.rules.some((rule) => evaluateRule(rule, input));
}

/**
 * Routes the input down the first branch whose rules match, or down `else`. Only the taken
 * output is present in the result; the engine skips what hangs off the others.
 * @example condition.run({ config, inputs: { input: "退款" }, ctx }) // { refund: "退款" } or { else: "退款" }
 */
export const condition = defineNode({
  type: "condition",
  version: 1,
  ui: {
    label: { en: "Condition", zh: "条件分支" },
    description: { en: "Take a different path depending on the input", zh: "根据输入选择不同的分支" },
    category: "logic",
    icon: "git-branch",
  },
  config,
  inputs: { input: port.any({ required: true, label: { en: "Input", zh: "输入" } }) },
  outputs: (settings: z.output<typeof config>): PortMap => {
    const ports: PortMap = {};
    for (const branch of settings.branches) {
      const label = branch.label ? { en: branch.label, zh: branch.label } : { en: branch.id, zh: branch.id };
      ports[branch.id] = port.any({ label });
    }
    ports.else = port.any({ label: { en: "Else", zh: "否则" } });
    return ports;
  },
  // Every branch carries the input unchanged; which one is taken is known only at run time.
  passthrough: (settings) => ({ input: [...settings.branches.map((branch) => branch.id), "else"] }),
  async run({ config: settings, inputs }) {
    const taken = settings.branches.find((branch) => branchMatches(branch, inputs.input));
    return { [taken ? taken.id : "else"]: inputs.input };
  },
});
