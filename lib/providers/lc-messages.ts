import { AIMessage, HumanMessage, SystemMessage, type BaseMessage, type BaseMessageChunk } from "@langchain/core/messages";
import type { ChatMessage } from "@/nodes/ports";
import type { Usage } from "./guarded";

/**
 * Converts Trellis chat turns into LangChain messages (the shape ChatOllama and ChatOpenAI take).
 * @example toLangChainMessages([{ role: "user", content: "你好" }]) // [HumanMessage]
 */
export function toLangChainMessages(messages: ChatMessage[]): BaseMessage[] {
  return messages.map((m) => {
    if (m.role === "system") return new SystemMessage(m.content);
    if (m.role === "assistant") return new AIMessage(m.content);
    return new HumanMessage(m.content);
  });
}

/** The text of a streamed chunk; non-text content parts (images, tool calls) are skipped. */
export function chunkText(chunk: BaseMessageChunk): string {
  const content = chunk.content;
  if (typeof content === "string") return content;
  return content.map((part) => (typeof part === "object" && part && "text" in part && typeof part.text === "string" ? part.text : "")).join("");
}

/** Token usage from a chunk's usage_metadata, when the server reported it. */
export function chunkUsage(chunk: BaseMessageChunk): Usage | undefined {
  const meta = (chunk as { usage_metadata?: { input_tokens?: number; output_tokens?: number } }).usage_metadata;
  if (!meta || (!meta.input_tokens && !meta.output_tokens)) return undefined;
  return { inputTokens: meta.input_tokens, outputTokens: meta.output_tokens };
}
