import type { Locale } from "@/lib/i18n/locale";
import { CURRENT_SCHEMA_VERSION, type FlowDocument } from "./schema";

/**
 * The flow a new bot starts from: start → prompt → LLM → answer. It runs as it comes, with the
 * local Ollama when it answers and with the offline answerer otherwise.
 */
export function starterFlow(locale: Locale): FlowDocument {
  const system =
    locale === "zh"
      ? "你是一个乐于助人的助手。请用用户提问所用的语言简洁地回答。"
      : "You are a helpful assistant. Answer briefly, in the language of the question.";
  return {
    schemaVersion: CURRENT_SCHEMA_VERSION,
    nodes: [
      { id: "start", type: "start", position: { x: 0, y: 80 }, data: { variables: [] } },
      { id: "prompt", type: "prompt", position: { x: 280, y: 0 }, data: { template: "{{message}}" } },
      { id: "llm", type: "llm", position: { x: 560, y: 80 }, data: { provider: "default", model: "", systemPrompt: system, temperature: 0.7, maxTokens: 1024 } },
      { id: "answer", type: "answer", position: { x: 840, y: 80 }, data: {} },
    ],
    edges: [
      { id: "e-start-prompt", source: "start", sourceHandle: "message", target: "prompt", targetHandle: "message" },
      { id: "e-start-llm", source: "start", sourceHandle: "history", target: "llm", targetHandle: "history" },
      { id: "e-prompt-llm", source: "prompt", sourceHandle: "prompt", target: "llm", targetHandle: "prompt" },
      { id: "e-llm-answer", source: "llm", sourceHandle: "text", target: "answer", targetHandle: "text" },
      { id: "e-llm-citations", source: "llm", sourceHandle: "citations", target: "answer", targetHandle: "citations" },
    ],
  };
}
