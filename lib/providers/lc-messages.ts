import { AIMessage, HumanMessage, SystemMessage, type BaseMessage, type BaseMessageChunk } from "@langchain/core/messages";
import type { ChatMessage } from "@/nodes/ports";
import type { Piece, Usage } from "./guarded";

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

/**
 * Streams a LangChain chat model as provider pieces (text, then usage when reported): the loop
 * every LangChain-backed provider shares.
 * @example yield* streamPieces(new ChatOllama({ … }), request.messages, guard.signal);
 */
export async function* streamPieces(
  chat: { stream(messages: BaseMessage[], options: { signal: AbortSignal }): Promise<AsyncIterable<BaseMessageChunk>> },
  messages: ChatMessage[],
  signal: AbortSignal,
): AsyncGenerator<Piece> {
  const stream = await chat.stream(toLangChainMessages(messages), { signal });
  for await (const chunk of stream) {
    const text = chunkText(chunk);
    if (text) yield text;
    const usage = chunkUsage(chunk);
    if (usage) yield { usage };
  }
}
