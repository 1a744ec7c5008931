import { z } from "zod";
import { AppError } from "@/lib/errors";
import { defineNode } from "./define";
import type { PortMap } from "./define";
import { port, type ChatMessage } from "./ports";
import { VARIABLE_NAME_PATTERN } from "./template-text";

const variableTypes = ["text", "number", "boolean"] as const;
type VariableType = (typeof variableTypes)[number];

/** Output names the start node always has; a variable may not shadow them. */
const reservedNames = ["message", "history"];

const variableSchema = z.object({
  name: z
    .string()
    .regex(VARIABLE_NAME_PATTERN, "Use letters (Chinese included), digits and _ only / 只能使用字母（含中文）、数字和下划线")
    .meta({ label: { en: "Name", zh: "变量名" }, help: { en: "Used as {{name}} and as the port name", zh: "用作 {{变量名}} 和端口名" } }),
  label: z.string().max(100).optional().meta({ label: { en: "Label", zh: "显示名称" } }),
  type: z.enum(variableTypes).default("text").meta({ label: { en: "Type", zh: "类型" } }),
  required: z.boolean().default(false).meta({ label: { en: "Required", zh: "必填" } }),
  default: z.union([z.string(), z.number(), z.boolean()]).optional().meta({ label: { en: "Default value", zh: "默认值" } }),
});

const typeNames: Record<VariableType, { en: string; zh: string }> = {
  text: { en: "text", zh: "文本" },
  number: { en: "number", zh: "数字" },
  boolean: { en: "true/false value", zh: "布尔值（是/否）" },
};

const invalid = Symbol("invalid");
const truthy = ["true", "1", "yes", "y", "on", "是", "真"];
const falsy = ["false", "0", "no", "n", "off", "否", "假"];

/** Converts what a caller sent (often strings from a form or query string) into the declared type. */
function coerce(type: VariableType, raw: unknown): string | number | boolean | typeof invalid {
  if (type === "text") {
    if (typeof raw === "string") return raw;
    if (typeof raw === "number" || typeof raw === "boolean") return String(raw);
    return invalid;
  }
  if (type === "number") {
    if (typeof raw === "number") return Number.isFinite(raw) ? raw : invalid;
    if (typeof raw === "string" && raw.trim() !== "") {
      const parsed = Number(raw.trim());
      return Number.isFinite(parsed) ? parsed : invalid;
    }
    return invalid;
  }
  if (typeof raw === "boolean") return raw;
  if (typeof raw === "number" && (raw === 0 || raw === 1)) return raw === 1;
  if (typeof raw === "string") {
    const word = raw.trim().toLowerCase();
    if (truthy.includes(word)) return true;
    if (falsy.includes(word)) return false;
  }
  return invalid;
}

const config = z
  .object({
    variables: z
      .array(variableSchema)
      .max(50)
      .default([])
      .meta({
        label: { en: "Input variables", zh: "输入变量" },
        help: { en: "Extra values the caller passes besides the message", zh: "调用方在消息之外传入的额外值" },
      }),
  })
  .superRefine((value, issue) => {
    const seen = new Set<string>();
    value.variables.forEach((variable, index) => {
      if (reservedNames.includes(variable.name)) {
        issue.addIssue({ code: "custom", path: ["variables", index, "name"], message: `"${variable.name}" is reserved / 「${variable.name}」是保留名称` });
      }
      if (seen.has(variable.name)) {
        issue.addIssue({ code: "custom", path: ["variables", index, "name"], message: `Duplicate variable "${variable.name}" / 变量「${variable.name}」重复` });
      }
      seen.add(variable.name);
      if (variable.default !== undefined && coerce(variable.type, variable.default) === invalid) {
        issue.addIssue({
          code: "custom",
          path: ["variables", index, "default"],
          message: `The default is not a ${variable.type} / 默认值不是${typeNames[variable.type].zh}`,
        });
      }
    });
  });

function isBlank(raw: unknown): boolean {
  return raw === undefined || raw === null || (typeof raw === "string" && raw.trim() === "");
}

/** Value of an optional variable nobody supplied: empty text, false, or null for numbers (0 would be a lie). */
function emptyValue(type: VariableType): string | boolean | null {
  if (type === "text") return "";
  if (type === "boolean") return false;
  return null;
}

/**
 * Where a flow begins: the person's message, the conversation so far, and the declared
 * input variables, checked and converted to their types so later nodes can trust them.
 * @example start.run({ config: start.config.parse({ variables: [{ name: "年龄", type: "number" }] }), inputs: {}, ctx })
 */
export const start = defineNode({
  type: "start",
  version: 1,
  entry: true,
  ui: {
    label: { en: "Start", zh: "开始" },
    description: { en: "The user's message, chat history and input variables", zh: "用户消息、对话历史和输入变量" },
    category: "io",
    icon: "play",
  },
  config,
  inputs: {},
  outputs: (settings: z.output<typeof config>): PortMap => {
    const ports: PortMap = {
      message: port.text({ label: { en: "Message", zh: "用户消息" } }),
      history: port.messages({ label: { en: "History", zh: "对话历史" } }),
    };
    for (const variable of settings.variables) {
      const label = variable.label ? { en: variable.label, zh: variable.label } : undefined;
      ports[variable.name] = variable.type === "number" ? port.number({ label }) : variable.type === "boolean" ? port.boolean({ label }) : port.text({ label });
    }
    return ports;
  },
  async run({ config: settings, ctx }) {
    const supplied = ctx.run.variables ?? {};
    const outputs: Record<string, unknown> = {
      message: typeof ctx.run.message === "string" ? ctx.run.message : "",
      history: Array.isArray(ctx.run.history) ? (ctx.run.history as ChatMessage[]) : [],
    };
    for (const variable of settings.variables) {
      const shown = variable.label || variable.name;
      const raw = Object.prototype.hasOwnProperty.call(supplied, variable.name) ? supplied[variable.name] : undefined;
      if (isBlank(raw)) {
        if (variable.default !== undefined) {
          outputs[variable.name] = coerce(variable.type, variable.default);
        } else if (variable.required) {
          throw new AppError("VARIABLE_MISSING", { en: `The input "${shown}" is required.`, zh: `缺少必填输入「${shown}」。` }, 400, { variable: variable.name });
        } else {
          outputs[variable.name] = emptyValue(variable.type);
        }
        continue;
      }
      const value = coerce(variable.type, raw);
      if (value === invalid) {
        const expected = typeNames[variable.type];
        throw new AppError(
          "VARIABLE_INVALID",
          { en: `The input "${shown}" must be a ${expected.en}.`, zh: `输入「${shown}」必须是${expected.zh}。` },
          400,
          { variable: variable.name, expected: variable.type },
        );
      }
      outputs[variable.name] = value;
    }
    return outputs;
  },
});
