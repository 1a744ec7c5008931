import { z } from "zod";
import { AppError } from "@/lib/errors";
import { defineNode } from "./define";
import { port, type ChatMessage, type DocumentChunk } from "./ports";

const config = z.object({
  provider: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .default("default")
    .meta({ label: { en: "Model provider", zh: "模型服务" }, help: { en: "\"default\" uses the workspace's default provider", zh: "“default” 表示使用工作区的默认模型服务" } }),
  model: z
    .string()
    .trim()
    .max(200)
    .default("")
    .meta({ label: { en: "Model", zh: "模型" }, help: { en: "Empty uses the provider's default chat model", zh: "留空则使用该服务的默认对话模型" } }),
  systemPrompt: z
    .string()
    .max(50_000)
    .default("")
    .meta({ label: { en: "System prompt", zh: "系统提示词" }, help: { en: "Instructions that frame every answer", zh: "约束每次回答的指令" }, widget: "textarea" }),
  temperature: z
    .number()
    .min(0)
    .max(2)
    .default(0.7)
    .meta({ label: { en: "Temperature", zh: "温度" }, help: { en: "Higher is more varied, lower more focused", zh: "越高越发散，越低越稳定" }, step: 0.1 }),
  maxTokens: z
    .number()
    .int()
    .min(1)
    .max(32_768)
    .default(1024)
    .meta({ label: { en: "Max tokens", zh: "最大生成长度" }, help: { en: "Upper bound on the answer length, in tokens", zh: "回答长度上限（token 数）" } }),
});

function isMessage(value: unknown): value is ChatMessage {
  if (typeof value !== "object" || value === null) return false;
  const { role, content } = value as { role?: unknown; content?: unknown };
  return (role === "system" || role === "user" || role === "assistant") && typeof content === "string";
}

/**
 * Calls a chat model and streams its tokens to the person as they arrive. The documents
 * input gives the model (and the offline extractive answerer) its context and becomes the
 * citations when the provider does not report its own.
 * @example llm.run({ config: llm.config.parse({}), inputs: { prompt: "你好" }, ctx }) // { text, citations }
 */
export const llm = defineNode({
  type: "llm",
  version: 1,
  streamPort: "text",
  ui: {
    label: { en: "LLM", zh: "大模型" },
    description: { en: "Ask a chat model; the answer streams as it is written", zh: "调用对话模型，回答边生成边显示" },
    category: "ai",
    icon: "sparkles",
  },
  config,
  inputs: {
    prompt: port.text({ required: true, label: { en: "Prompt", zh: "提示词" } }),
    history: port.messages({ label: { en: "History", zh: "对话历史" } }),
    documents: port.documents({ label: { en: "Context documents", zh: "上下文文档" } }),
  },
  outputs: {
    text: port.text({ label: { en: "Answer", zh: "回答" } }),
    citations: port.documents({ label: { en: "Citations", zh: "引用来源" } }),
  },
  async run({ config: settings, inputs, ctx }) {
    const promptText = typeof inputs.prompt === "string" ? inputs.prompt : String(inputs.prompt ?? "");
    if (promptText.trim() === "") {
      throw new AppError("LLM_EMPTY_PROMPT", { en: "The prompt sent to the model is empty.", zh: "发送给模型的提示词为空。" }, 400);
    }
    const history = Array.isArray(inputs.history) ? inputs.history.filter(isMessage) : [];
    const documents: DocumentChunk[] | undefined = Array.isArray(inputs.documents) ? inputs.documents : undefined;
    const messages: ChatMessage[] = [
      ...(settings.systemPrompt.trim() ? [{ role: "system" as const, content: settings.systemPrompt }] : []),
      ...history,
      { role: "user", content: promptText },
    ];
    const result = await ctx.chat({
      provider: settings.provider,
      model: settings.model || undefined,
      messages,
      temperature: settings.temperature,
      maxTokens: settings.maxTokens,
      question: ctx.run.message,
      documents,
      onToken: (token) => ctx.emitToken(token),
      signal: ctx.signal,
    });
    return { text: result.text, citations: result.citations ?? documents ?? [] };
  },
});
