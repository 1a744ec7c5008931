import type { ChatMessage } from "@/nodes/ports";
import type { Piece, StreamRequest } from "./guarded";
import type { RequestGuard } from "./request-guard";

/**
 * Ollama's POST /api/chat read directly: one JSON object per line, `message.content` the text,
 * the last line (`done: true`) the token counts, a line `{ "error": … }` a failure mid-stream.
 * The run path uses this instead of LangChain's ChatOllama: it is the same request and the same
 * pieces at a fraction of the CPU per answer (docs/architecture.md, "Model streams").
 * @example yield* streamOllamaChat(`${baseUrl}/api/chat`, "qwen2.5", request, guard);
 */
export async function* streamOllamaChat(url: string, model: string, request: StreamRequest, guard: RequestGuard): AsyncGenerator<Piece> {
  const options: Record<string, number> = {};
  if (request.temperature !== undefined) options.temperature = request.temperature;
  if (request.maxTokens !== undefined) options.num_predict = request.maxTokens;
  const body = JSON.stringify({ model, messages: request.messages.map(wireMessage), options, stream: true });
  const response = await guard.fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body, signal: guard.signal });
  // The guard recorded status and body; the classifier turns them into the right ProviderError.
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  if (!response.body) throw new Error("Ollama answered without a body");
  const decoder = new TextDecoder();
  let buffered = "";
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    buffered += decoder.decode(chunk, { stream: true });
    let end: number;
    while ((end = buffered.indexOf("\n")) >= 0) {
      const line = buffered.slice(0, end).trim();
      buffered = buffered.slice(end + 1);
      if (line) yield* pieces(line);
    }
  }
  buffered += decoder.decode();
  if (buffered.trim()) yield* pieces(buffered.trim());
}

function wireMessage(message: ChatMessage): { role: string; content: string } {
  return { role: message.role, content: message.content };
}

interface OllamaLine {
  message?: { content?: unknown };
  done?: boolean;
  error?: unknown;
  prompt_eval_count?: number;
  eval_count?: number;
}

function* pieces(line: string): Generator<Piece> {
  const parsed = JSON.parse(line) as OllamaLine;
  if (parsed.error !== undefined) throw new Error(typeof parsed.error === "string" ? parsed.error : JSON.stringify(parsed.error));
  const text = parsed.message?.content;
  if (typeof text === "string" && text) yield text;
  if (parsed.done && (parsed.prompt_eval_count || parsed.eval_count)) yield { usage: { inputTokens: parsed.prompt_eval_count, outputTokens: parsed.eval_count } };
}
