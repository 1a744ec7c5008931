import { z } from "zod";
import { defineNode } from "./define";
import type { PortMap } from "./define";
import { port } from "./ports";
import { renderTemplate, templateVariables } from "./template-text";

const config = z.object({
  template: z
    .string()
    .max(100_000)
    .default("{{message}}")
    .meta({
      label: { en: "Prompt template", zh: "提示词模板" },
      help: {
        en: "Write {{name}} where a value should go; each name becomes an input. Chinese names work: {{问题}}.",
        zh: "在需要插入值的位置写 {{名称}}，每个名称都会成为一个输入端口，支持中文名称，如 {{问题}}。",
      },
      widget: "textarea",
    }),
});

/**
 * Builds the text sent to a model from a template with `{{variables}}`. One input port per
 * variable, so the canvas shows exactly what the prompt needs; values are inserted once and
 * never re-read as template syntax (C6).
 * @example prompt.run({ config: { template: "问题：{{问题}}" }, inputs: { 问题: "天气如何？" }, ctx }) // { prompt: "问题：天气如何？" }
 */
export const prompt = defineNode({
  type: "prompt",
  version: 1,
  ui: {
    label: { en: "Prompt", zh: "提示词" },
    description: { en: "Fill a prompt template with {{variables}}", zh: "用 {{变量}} 填充提示词模板" },
    category: "text",
    icon: "message-square-text",
  },
  config,
  inputs: (settings: z.output<typeof config>): PortMap =>
    Object.fromEntries(templateVariables(settings.template).map((name) => [name, port.text({ label: { en: name, zh: name } })])),
  outputs: { prompt: port.text({ label: { en: "Prompt", zh: "提示词" } }) },
  async run({ config: settings, inputs }) {
    return { prompt: renderTemplate(settings.template, inputs) };
  },
});
