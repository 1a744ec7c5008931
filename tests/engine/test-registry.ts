import { z } from "zod";
import { type NodeRegistry, defineNode } from "@/nodes/define";
import { AppError } from "@/lib/errors";
import { port } from "@/nodes/ports";

/**
 * Tiny node types for engine and validation tests. They stand in for the real nodes (written
 * elsewhere) and exercise the contract: entry/terminal, streaming, passthrough, branches,
 * settings-dependent ports, failures and slow work. `probe` records what nodes observed.
 */
export interface Probe {
  /** Tags of delay nodes whose signal was aborted while they ran, with the abort reason's code. */
  aborted: Array<{ nodeId: string; reason: string }>;
  /** Tags of delay nodes in the order their `run` was entered. */
  entered: string[];
}

export function createProbe(): Probe {
  return { aborted: [], entered: [] };
}

function sleep(ms: number, signal: AbortSignal, onAbort: () => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => {
      clearTimeout(timer);
      onAbort();
      reject(signal.reason);
    }, { once: true });
  });
}

const label = (en: string, zh: string) => ({ label: { en, zh }, description: { en, zh }, category: "logic" as const, icon: "box" });

export function testRegistry(probe: Probe = createProbe()): NodeRegistry {
  const start = defineNode({
    type: "start", version: 1, ui: label("Start", "开始"), entry: true,
    config: z.object({}), inputs: {}, outputs: { message: port.text() },
    async run({ ctx }) {
      return { message: ctx.run.message };
    },
  });
  const answer = defineNode({
    type: "answer", version: 1, ui: label("Answer", "回答"), terminal: true,
    config: z.object({}),
    inputs: { text: port.text({ required: true }), citations: port.documents() },
    outputs: { text: port.text(), citations: port.documents() },
    async run({ inputs }) {
      return { text: inputs.text, citations: inputs.citations ?? [] };
    },
  });
  const echo = defineNode({
    type: "echo", version: 1, ui: label("Echo", "原样输出"),
    config: z.object({}), inputs: { text: port.text({ required: true }) }, outputs: { text: port.text() },
    passthrough: () => ({ text: "text" }),
    async run({ inputs }) {
      return { text: inputs.text };
    },
  });
  const upper = defineNode({
    type: "upper", version: 1, ui: label("Upper case", "转大写"),
    config: z.object({}), inputs: { text: port.text({ required: true }) }, outputs: { text: port.text() },
    async run({ inputs }) {
      return { text: (inputs.text ?? "").toUpperCase() };
    },
  });
  const llm = defineNode({
    type: "llm", version: 1, ui: label("Model", "大模型"), streamPort: "text",
    config: z.object({ words: z.array(z.string()).min(1).default(["Hello", " ", "world"]) }),
    inputs: { prompt: port.text({ required: true }) }, outputs: { text: port.text() },
    async run({ config, ctx }) {
      for (const word of config.words) {
        await Promise.resolve();
        ctx.emitToken(word);
      }
      return { text: config.words.join("") };
    },
  });
  const condition = defineNode({
    type: "condition", version: 1, ui: label("Condition", "条件判断"),
    config: z.object({ equals: z.string() }),
    inputs: { text: port.text({ required: true }) }, outputs: { yes: port.text(), no: port.text() },
    async run({ config, inputs }) {
      return inputs.text === config.equals ? { yes: inputs.text } : { no: inputs.text };
    },
  });
  const join = defineNode({
    type: "join", version: 1, ui: label("Join", "合并"),
    config: z.object({}), inputs: { a: port.text(), b: port.text() }, outputs: { text: port.text() },
    async run({ inputs }) {
      return { text: [inputs.a, inputs.b].filter((v) => v !== undefined).join("+") };
    },
  });
  const delay = defineNode({
    type: "delay", version: 1, ui: label("Wait", "等待"),
    config: z.object({ ms: z.number().int().min(0), ignoreSignal: z.boolean().default(false), tag: z.string().default("delay") }),
    inputs: { text: port.text() }, outputs: { text: port.text() },
    async run({ config, inputs, ctx }) {
      const id = config.tag;
      probe.entered.push(id);
      const record = () => probe.aborted.push({ nodeId: id, reason: (ctx.signal.reason as AppError | undefined)?.code ?? "unknown" });
      if (config.ignoreSignal) {
        ctx.signal.addEventListener("abort", record, { once: true });
        await new Promise((resolve) => setTimeout(resolve, config.ms));
      } else {
        await sleep(config.ms, ctx.signal, record);
      }
      return { text: `${inputs.text ?? ""}` };
    },
  });
  const fail = defineNode({
    type: "fail", version: 1, ui: label("Fail", "出错"),
    config: z.object({ message: z.string(), code: z.string().optional() }),
    inputs: { text: port.text() }, outputs: { text: port.text() },
    async run({ config }) {
      if (config.code) throw new AppError(config.code, { en: config.message, zh: `中文：${config.message}` });
      throw new Error(config.message);
    },
  });
  const emit = defineNode({
    type: "emit", version: 1, ui: label("Constant", "常量"),
    config: z.object({ kind: z.enum(["text", "number", "boolean", "json", "documents"]), value: z.unknown() }),
    inputs: {},
    outputs: (config: { kind: "text" | "number" | "boolean" | "json" | "documents" }) => ({ value: port[config.kind]() }),
    async run({ config }) {
      return { value: config.value };
    },
  });
  const template = defineNode({
    type: "template", version: 1, ui: label("Template", "模板"),
    config: z.object({ variables: z.array(z.string().min(1)).default([]) }),
    inputs: (config: { variables: string[] }) => Object.fromEntries(config.variables.map((v) => [v, port.text({ required: true })])),
    outputs: { text: port.text() },
    async run({ config, inputs }) {
      return { text: config.variables.map((v) => String(inputs[v])).join(" ") };
    },
  });
  const settings = defineNode({
    type: "settings", version: 1, ui: label("Retriever", "知识检索"),
    config: z.object({
      topK: z.number().int().min(1).max(50).default(4).meta({ label: { en: "Chunks to return", zh: "返回片段数" } }),
      url: z.url().optional(),
      name: z.string().min(1),
      mode: z.enum(["hybrid", "vector"]).default("hybrid"),
    }),
    inputs: { query: port.text() }, outputs: { documents: port.documents(), count: port.number(), messages: port.messages() },
    async run({ config }) {
      return { documents: [], count: config.topK };
    },
  });
  return { start, answer, echo, upper, llm, condition, join, delay, fail, emit, template, settings };
}
