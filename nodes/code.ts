import { z } from "zod";
import { AppError } from "@/lib/errors";
import type { Localized } from "@/lib/i18n/locale";
import { defineNode } from "./define";
import type { PortMap } from "./define";
import { port } from "./ports";
import { VARIABLE_NAME_PATTERN } from "./template-text";

const MiB = 1024 * 1024;
/** Returned values plus console output, per run. */
export const CODE_MAX_OUTPUT_BYTES = MiB;
/** The output port that carries console output; user outputs may not take this name. */
export const LOGS_PORT = "logs";

export const codeOutputKinds = ["text", "number", "boolean", "json"] as const;
export type CodeOutputKind = (typeof codeOutputKinds)[number];

const kindNames: Record<CodeOutputKind, Localized> = {
  text: { en: "text", zh: "文本" },
  number: { en: "number", zh: "数字" },
  boolean: { en: "true/false", zh: "布尔值" },
  json: { en: "JSON", zh: "JSON" },
};

export const DEFAULT_CODE_SOURCE = `// main(inputs) receives one value per input and returns one value per output.
// main(inputs) 按输入名接收值，返回的对象里每个输出一个值。
function main(inputs) {
  const text = String(inputs.text ?? "");
  return {
    result: text.trim(),
    length: [...text].length,
  };
}
`;

const nameSchema = z.string().regex(VARIABLE_NAME_PATTERN, "Use letters (Chinese included), digits and _ only / 只能使用字母（含中文）、数字和下划线");

const config = z
  .object({
    source: z
      .string()
      .min(1, "Write a function main(inputs) / 请编写 main(inputs) 函数")
      .max(100_000, "The code is longer than 100,000 characters / 代码超过 100,000 个字符")
      // A text search, never an evaluation: saving or validating code does not run it (C2).
      .refine((source) => /\bmain\b/.test(source), "The code must define a function named main / 代码必须定义名为 main 的函数")
      .default(DEFAULT_CODE_SOURCE)
      .meta({
        label: { en: "JavaScript", zh: "JavaScript 代码" },
        help: {
          en: "Define function main(inputs) { … return { name: value } }; it may be async. No network, files, modules or environment.",
          zh: "定义 function main(inputs) { … return { 名称: 值 } }，可以是 async 函数。无法访问网络、文件、模块或环境变量。",
        },
        widget: "textarea",
      }),
    inputs: z
      .array(nameSchema)
      .max(20)
      .default(["text"])
      .meta({ label: { en: "Inputs", zh: "输入变量" }, help: { en: "One input port per name; main reads inputs.name", zh: "每个名称对应一个输入端口；main 中用 inputs.名称 读取" } }),
    outputs: z
      .array(
        z.object({
          name: nameSchema.refine((name) => name !== LOGS_PORT, `"${LOGS_PORT}" is reserved for console output / 「${LOGS_PORT}」保留给控制台输出`).meta({ label: { en: "Name", zh: "名称" } }),
          kind: z.enum(codeOutputKinds).default("text").meta({ label: { en: "Type", zh: "类型" }, options: kindNames }),
        }),
      )
      .min(1)
      .max(20)
      .default([
        { name: "result", kind: "text" },
        { name: "length", kind: "number" },
      ])
      .meta({ label: { en: "Outputs", zh: "输出变量" }, help: { en: "Each must be a key of the object main returns", zh: "每一项都必须是 main 返回对象中的键" } }),
    timeoutMs: z.number().int().min(100).max(30_000).default(5000).meta({ label: { en: "Time limit (ms)", zh: "时间上限（毫秒）" } }),
    memoryMb: z.number().int().min(8).max(256).default(64).meta({ label: { en: "Memory limit (MB)", zh: "内存上限（MB）" } }),
  })
  .superRefine((value, issue) => {
    for (const [key, names] of [
      ["inputs", value.inputs],
      ["outputs", value.outputs.map((output) => output.name)],
    ] as const) {
      const seen = new Set<string>();
      names.forEach((name, index) => {
        if (seen.has(name)) issue.addIssue({ code: "custom", path: [key, index], message: `Duplicate name "${name}" / 名称「${name}」重复` });
        seen.add(name);
      });
    }
  });

type Settings = z.output<typeof config>;

function matchesKind(value: unknown, kind: CodeOutputKind): boolean {
  if (kind === "text") return typeof value === "string";
  if (kind === "number") return typeof value === "number" && Number.isFinite(value);
  if (kind === "boolean") return typeof value === "boolean";
  return value !== undefined;
}

function typeName(value: unknown): Localized {
  if (value === null) return { en: "null", zh: "null" };
  if (Array.isArray(value)) return { en: "a list", zh: "列表" };
  if (typeof value === "string") return kindNames.text;
  if (typeof value === "number") return kindNames.number;
  if (typeof value === "boolean") return kindNames.boolean;
  return { en: "an object", zh: "对象" };
}

/** Declared outputs only, as own properties (a name like "__proto__" stays an ordinary key). */
function checkOutputs(settings: Settings, returned: Record<string, unknown>): Record<string, unknown> {
  const entries = settings.outputs.map(({ name, kind }): [string, unknown] => {
    if (!Object.hasOwn(returned, name)) {
      throw new AppError(
        "CODE_OUTPUT_MISSING",
        { en: `The code did not return the output "${name}"; main must return { ${name}: … }.`, zh: `代码没有返回输出「${name}」；main 需要返回 { ${name}: … }。` },
        422,
      );
    }
    const value = returned[name];
    if (!matchesKind(value, kind)) {
      const got = typeName(value);
      throw new AppError(
        "CODE_OUTPUT_KIND",
        {
          en: `The output "${name}" should be ${kindNames[kind].en}, but the code returned ${got.en}.`,
          zh: `输出「${name}」应为${kindNames[kind].zh}，但代码返回的是${got.zh}。`,
        },
        422,
      );
    }
    return [name, value];
  });
  return Object.fromEntries(entries);
}

/**
 * Runs the person's JavaScript on the flow's values, in the sandbox (`ctx.runCode`: QuickJS in
 * WebAssembly on a worker thread, without network, files, modules or environment). The code
 * defines `function main(inputs)` — the convention Dify's code node uses — and returns an object
 * with one value per declared output; each value is checked against the output's type. Saving or
 * validating the node never executes the code.
 * @example code.run({ config: code.config.parse({}), inputs: { text: " 你好 " }, ctx }) // { result: "你好", length: 4, logs: [] }
 */
export const code = defineNode({
  type: "code",
  version: 1,
  ui: {
    label: { en: "Code", zh: "代码" },
    description: {
      en: "Run JavaScript: define function main(inputs) and return { output: value }, e.g. return { result: inputs.text.length }. Sandboxed: no network, files or modules; time and memory limits.",
      zh: "运行 JavaScript：定义 function main(inputs) 并返回 { 输出名: 值 }，例如 return { result: inputs.text.length }。在沙箱中运行：无网络、文件和模块访问，有时间和内存上限。",
    },
    category: "tools",
    icon: "code",
  },
  config,
  inputs: (settings: Settings): PortMap => Object.fromEntries(settings.inputs.map((name) => [name, port.any({ label: { en: name, zh: name } })])),
  outputs: (settings: Settings): PortMap => ({
    ...Object.fromEntries(settings.outputs.map(({ name, kind }) => [name, port[kind]({ label: { en: name, zh: name } })])),
    [LOGS_PORT]: port.json({ label: { en: "Console output", zh: "控制台输出" } }),
  }),
  async run({ config: settings, inputs, ctx }) {
    if (!ctx.runCode) {
      throw new AppError("CODE_UNAVAILABLE", { en: "Code cannot run here: this environment has no code sandbox.", zh: "此处无法运行代码：当前环境没有代码沙箱。" }, 501);
    }
    const values = Object.fromEntries(settings.inputs.filter((name) => Object.hasOwn(inputs, name) && inputs[name] !== undefined).map((name) => [name, inputs[name]]));
    const result = await ctx.runCode({
      source: settings.source,
      inputs: values,
      timeoutMs: settings.timeoutMs,
      memoryBytes: settings.memoryMb * MiB,
      maxOutputBytes: CODE_MAX_OUTPUT_BYTES,
      signal: ctx.signal,
    });
    return { ...checkOutputs(settings, result.outputs), [LOGS_PORT]: result.logs };
  },
});
