import "server-only";
import { z } from "zod";
import { AppError } from "@/lib/errors";
import type { ChatMessage } from "@/nodes/ports";
import type { ChatEvent } from "./chat";

/**
 * OpenAI's chat-completions wire format over a bot: `model` is the bot's slug, the last user
 * message is the bot's input and the earlier user/assistant turns its history. Sampling settings,
 * tools and system messages a client sends are accepted (clients always send some) but never reach
 * the bot: it answers with its published settings only (C3).
 */

const contentSchema = z.union([
  z.string(),
  z.array(z.object({ type: z.string(), text: z.string().optional() }).passthrough()),
  z.null(),
]);

export const completionRequestSchema = z
  .object({
    model: z.string().min(1).max(100),
    messages: z.array(z.object({ role: z.string(), content: contentSchema.optional() }).passthrough()).min(1).max(500),
    stream: z.boolean().nullish(),
    stream_options: z.object({ include_usage: z.boolean().nullish() }).passthrough().nullish(),
    user: z.string().max(200).nullish(),
  })
  .passthrough();
export type CompletionRequest = z.output<typeof completionRequestSchema>;

function text(content: z.output<typeof contentSchema> | undefined): string {
  if (typeof content === "string") return content;
  if (!content) return "";
  return content.map((part) => (part.type === "text" ? (part.text ?? "") : "")).join("");
}

/** The bot's input (the last user message) and history (the turns before it; system messages dropped). */
export function splitMessages(messages: CompletionRequest["messages"]): { message: string; history: ChatMessage[] } {
  const turns = messages
    .filter((m) => m.role === "user" || m.role === "assistant")
    .map((m) => ({ role: m.role as "user" | "assistant", content: text(m.content) }));
  const last = turns.at(-1);
  if (!last || last.role !== "user") {
    throw new AppError("invalid_request", { en: "The last message must be the user's.", zh: "最后一条消息必须来自用户。" }, 400);
  }
  return { message: last.content, history: turns.slice(0, -1) };
}

interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

const toUsage = (u: { promptTokens: number; completionTokens: number; totalTokens: number }): Usage => ({
  prompt_tokens: u.promptTokens,
  completion_tokens: u.completionTokens,
  total_tokens: u.totalTokens,
});

function fail(event: Extract<ChatEvent, { type: "error" }>): AppError {
  return new AppError(event.code, event.message, 502);
}

/** The non-streaming `chat.completion` object. */
export async function completionJson(events: AsyncGenerator<ChatEvent>, model: string): Promise<Response> {
  const created = Math.floor(Date.now() / 1000);
  let id = "";
  for await (const event of events) {
    if (event.type === "start") id = `chatcmpl-${event.runId}`;
    else if (event.type === "error") throw fail(event);
    else if (event.type === "done") {
      return Response.json({
        id,
        object: "chat.completion",
        created,
        model,
        choices: [{ index: 0, message: { role: "assistant", content: event.answer, refusal: null }, logprobs: null, finish_reason: "stop" }],
        usage: toUsage(event.usage),
      });
    }
  }
  throw new AppError("internal", { en: "The answer ended unexpectedly.", zh: "回答意外中断。" }, 500);
}

const encoder = new TextEncoder();
const data = (value: unknown) => encoder.encode(`data: ${JSON.stringify(value)}\n\n`);

/** `chat.completion.chunk` events, each token flushed on arrival, then `data: [DONE]`. */
export function completionStream(events: AsyncGenerator<ChatEvent>, model: string, includeUsage: boolean): Response {
  const created = Math.floor(Date.now() / 1000);
  let id = "chatcmpl-";
  const chunk = (delta: Record<string, unknown>, finish: string | null) => ({
    id,
    object: "chat.completion.chunk",
    created,
    model,
    system_fingerprint: null,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    ...(includeUsage ? { usage: null } : {}),
  });
  let finished = false;
  const stream = new ReadableStream<Uint8Array>({
    // A pull that enqueues nothing is not called again, so events that have no chunk of their
    // own (progress, citations) are skipped inside one pull.
    async pull(controller) {
      if (finished) {
        controller.close();
        return;
      }
      try {
        for (;;) {
          const next = await events.next();
          if (next.done) {
            finished = true;
            controller.enqueue(encoder.encode("data: [DONE]\n\n"));
            return;
          }
          const event = next.value;
          if (event.type === "start") {
            id = `chatcmpl-${event.runId}`;
            controller.enqueue(data(chunk({ role: "assistant", content: "" }, null)));
          } else if (event.type === "token") {
            controller.enqueue(data(chunk({ content: event.text }, null)));
          } else if (event.type === "done") {
            controller.enqueue(data(chunk({}, "stop")));
            if (includeUsage) controller.enqueue(data({ id, object: "chat.completion.chunk", created, model, system_fingerprint: null, choices: [], usage: toUsage(event.usage) }));
          } else if (event.type === "error") {
            finished = true;
            controller.enqueue(data({ error: { message: event.message, type: "server_error", code: event.code, param: null } }));
          } else {
            continue;
          }
          return;
        }
      } catch (error) {
        finished = true;
        const message = error instanceof Error ? error.message : "error";
        controller.enqueue(data({ error: { message, type: "server_error", code: "internal", param: null } }));
      }
    },
    async cancel() {
      await events.return(undefined);
    },
  });
  return new Response(stream, {
    headers: { "Content-Type": "text/event-stream; charset=utf-8", "Cache-Control": "no-cache, no-transform", Connection: "keep-alive", "X-Accel-Buffering": "no" },
  });
}
