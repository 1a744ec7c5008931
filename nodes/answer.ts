import { z } from "zod";
import { defineNode } from "./define";
import { port, type DocumentChunk } from "./ports";
import { valueToText } from "./template-text";

const config = z.object({});

function isChunk(value: unknown): value is DocumentChunk {
  return typeof value === "object" && value !== null && typeof (value as DocumentChunk).id === "string" && typeof (value as DocumentChunk).text === "string";
}

/**
 * Keeps the first occurrence of each passage, in order, so the same chunk retrieved twice
 * (two knowledge bases, two retrievers) is cited once.
 * @example dedupeCitations([{ id: "a", text: "x" }, { id: "a", text: "x" }]) // [{ id: "a", text: "x" }]
 */
export function dedupeCitations(citations: unknown): DocumentChunk[] {
  if (!Array.isArray(citations)) return [];
  const seen = new Set<string>();
  const result: DocumentChunk[] = [];
  for (const chunk of citations) {
    if (!isChunk(chunk) || seen.has(chunk.id)) continue;
    seen.add(chunk.id);
    result.push(chunk);
  }
  return result;
}

/**
 * Ends a flow: its text is what the person reads, with the passages it cites. The engine
 * takes the run's answer from here.
 * @example answer.run({ config: {}, inputs: { text: "你好", citations: [] }, ctx }) // { text: "你好", citations: [] }
 */
export const answer = defineNode({
  type: "answer",
  version: 1,
  terminal: true,
  ui: {
    label: { en: "Answer", zh: "回答" },
    description: { en: "What the person reads, with its sources", zh: "展示给用户的回答及其来源" },
    category: "io",
    icon: "message-circle",
  },
  config,
  inputs: {
    text: port.text({ required: true, label: { en: "Text", zh: "文本" } }),
    citations: port.documents({ label: { en: "Citations", zh: "引用来源" } }),
  },
  outputs: {
    text: port.text({ label: { en: "Text", zh: "文本" } }),
    citations: port.documents({ label: { en: "Citations", zh: "引用来源" } }),
  },
  passthrough: () => ({ text: "text" }),
  async run({ inputs }) {
    return { text: valueToText(inputs.text), citations: dedupeCitations(inputs.citations) };
  },
});
