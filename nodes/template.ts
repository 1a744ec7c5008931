import { z } from "zod";
import { defineNode } from "./define";
import type { PortMap } from "./define";
import { port } from "./ports";
import { VARIABLE_NAME_PATTERN, renderTemplate, templateVariables, valueToText } from "./template-text";

const config = z
  .object({
    mode: z
      .enum(["first-non-empty", "template"])
      .default("first-non-empty")
      .meta({
        label: { en: "Mode", zh: "模式" },
        options: {
          "first-non-empty": { en: "First non-empty input (merge branches)", zh: "取第一个非空输入（汇合分支）" },
          template: { en: "Fill a text template", zh: "填充文本模板" },
        },
      }),
    inputs: z
      .array(z.string().regex(VARIABLE_NAME_PATTERN, "Use letters (Chinese included), digits and _ only / 只能使用字母（含中文）、数字和下划线"))
      .min(1)
      .max(20)
      .default(["a", "b"])
      .meta({ label: { en: "Inputs", zh: "输入变量" }, help: { en: "One input port per name, checked in this order", zh: "每个名称对应一个输入端口，按此顺序检查" } }),
    template: z
      .string()
      .max(100_000)
      .default("{{a}}")
      .meta({
        label: { en: "Template", zh: "模板" },
        help: { en: "Template mode: write {{name}} for an input", zh: "模板模式：用 {{名称}} 引用输入" },
        widget: "textarea",
        showWhen: { mode: "template" },
      }),
  })
  .superRefine((value, issue) => {
    const seen = new Set<string>();
    value.inputs.forEach((name, index) => {
      if (seen.has(name)) issue.addIssue({ code: "custom", path: ["inputs", index], message: `Duplicate input "${name}" / 输入「${name}」重复` });
      seen.add(name);
    });
    if (value.mode !== "template") return;
    for (const name of templateVariables(value.template)) {
      if (!seen.has(name)) {
        issue.addIssue({ code: "custom", path: ["template"], message: `{{${name}}} is not one of the inputs / {{${name}}} 不在输入变量中` });
      }
    }
  });

function isPresent(value: unknown): boolean {
  return value !== undefined && value !== null && value !== "";
}

/**
 * Joins values into one text: either the first input that has a value (the usual way to
 * merge the branches of a condition back into one answer) or a `{{name}}` template.
 * @example template.run({ config: template.config.parse({}), inputs: { b: "来自分支 B" }, ctx }) // { text: "来自分支 B" }
 */
export const template = defineNode({
  type: "template",
  version: 1,
  ui: {
    label: { en: "Text template", zh: "文本模板" },
    description: { en: "Merge branches or fill a text template", zh: "汇合分支变量或填充文本模板" },
    category: "text",
    icon: "text-cursor-input",
  },
  config,
  inputs: (settings: z.output<typeof config>): PortMap =>
    Object.fromEntries(settings.inputs.map((name) => [name, port.any({ label: { en: name, zh: name } })])),
  outputs: { text: port.text({ label: { en: "Text", zh: "文本" } }) },
  // Every input may be the one passed on unchanged; in template mode the text is new.
  passthrough: (settings) => (settings.mode === "first-non-empty" ? Object.fromEntries(settings.inputs.map((name) => [name, "text"])) : {}),
  async run({ config: settings, inputs }) {
    if (settings.mode === "template") return { text: renderTemplate(settings.template, inputs) };
    const first = settings.inputs.find((name) => isPresent(inputs[name]));
    return { text: first === undefined ? "" : valueToText(inputs[first]) };
  },
});
