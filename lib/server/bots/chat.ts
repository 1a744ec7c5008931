import "server-only";
import { randomUUID } from "node:crypto";
import { estimateTokens, historyFetchLimit, trimHistory } from "@/lib/bots/tokens";
import { readBotSettings, type Citation, type TokenUsage } from "@/lib/bots/types";
import type { Db } from "@/lib/db";
import { getHistory } from "@/lib/db/queries/conversations";
import type { Bot } from "@/lib/db/schema";
import type { EngineServices } from "@/lib/engine/types";
import type { Answer } from "@/lib/flow/run-record";
import { AppError } from "@/lib/errors";
import type { Locale } from "@/lib/i18n/locale";
import { nodeRegistry } from "@/nodes";
import type { ChatMessage, DocumentChunk } from "@/nodes/ports";
import { startFlowRun } from "../run-service";
import { chatWrites } from "./chat-writes";
import { admitCall, messageTooLarge, type Caller } from "./limits";
import { releaseFor } from "./releases";

/**
 * One turn with a published bot, shared by the public chat, the bot API and the OpenAI-compatible
 * endpoint. It runs the bot's *release* (never the draft, never settings from the caller: C3),
 * and keeps the hot path short: the admission check, the release (cached) and the conversation's
 * history are fetched concurrently; the question is stored once the answer has begun, the answer
 * and the token usage after the last token, each merged with other turns' writes (chat-writes.ts).
 */

export type ChatEvent =
  | { type: "start"; conversationId: string; messageId: string; runId: string; release: number }
  | { type: "token"; text: string }
  | { type: "progress"; node: string }
  | { type: "citations"; citations: Citation[] }
  | { type: "done"; conversationId: string; messageId: string; answer: string; usage: TokenUsage }
  | { type: "error"; code: string; message: string };

export interface ChatCall {
  db: Db;
  bot: Bot;
  caller: Caller;
  message: string;
  inputs: Record<string, unknown>;
  locale: Locale;
  signal?: AbortSignal;
  /** Continue this conversation (it must be the caller's); absent: start one. */
  conversationId?: string;
  /** Run this release instead of the active one (a pinned key or `version`). */
  release?: number | null;
  /**
   * Stateless callers (the OpenAI-compatible endpoint) send the history themselves; nothing is
   * stored then.
   */
  history?: ChatMessage[];
}

export const conversationNotFound = () => new AppError("not_found", { en: "Conversation not found.", zh: "找不到该对话。" }, 404);

const CITATION_TEXT_CHARS = 2_000;

export function toCitations(chunks: DocumentChunk[]): Citation[] {
  return chunks.map((chunk, i) => ({
    index: i + 1,
    documentName: chunk.documentName ?? "",
    text: chunk.text.length > CITATION_TEXT_CHARS ? `${chunk.text.slice(0, CITATION_TEXT_CHARS)}…` : chunk.text,
    ...(typeof chunk.score === "number" ? { score: chunk.score } : {}),
  }));
}

/** Model calls of a bot's run: output capped by the bot's limit, tokens metered. */
function meteredServices(base: EngineServices, maxOutputTokens: number, usage: TokenUsage): EngineServices {
  return {
    ...base,
    async chat(request) {
      const maxTokens = Math.min(request.maxTokens ?? maxOutputTokens, maxOutputTokens);
      const result = await base.chat({ ...request, maxTokens });
      const prompt = result.usage?.inputTokens ?? request.messages.reduce((n, m) => n + estimateTokens(m.content) + 4, 0);
      const completion = result.usage?.outputTokens ?? estimateTokens(result.text);
      usage.promptTokens += prompt;
      usage.completionTokens += completion;
      usage.totalTokens += prompt + completion;
      return result;
    },
  };
}

function nodeLabel(graphNodes: { id: string; type: string; label?: string }[], nodeId: string, locale: Locale): string {
  const node = graphNodes.find((n) => n.id === nodeId);
  if (node?.label) return node.label;
  const def = node ? nodeRegistry[node.type as keyof typeof nodeRegistry] : undefined;
  return def ? def.ui.label[locale] : nodeId;
}

/**
 * Admits the call (413 / 429 thrown before anything streams), then returns the turn's events.
 * @example for await (const e of await startChat({ db, bot, caller, message: "你好", inputs: {}, locale: "zh" })) …
 */
export async function startChat(call: ChatCall): Promise<AsyncGenerator<ChatEvent>> {
  const { db, bot } = call;
  const settings = readBotSettings(bot.settings);
  if (call.message.length > settings.limits.maxMessageChars) throw messageTooLarge(settings.limits.maxMessageChars);
  if (!call.message.trim()) throw new AppError("invalid_request", { en: "The message is empty.", zh: "消息为空。" }, 400);

  const stateless = call.history !== undefined;
  const admitting = admitCall(db, call.caller, settings.limits);
  const loading = releaseFor(db, bot, call.release);
  const remembering =
    !stateless && call.conversationId
      ? getHistory(db, bot.id, call.caller.endUserId, call.conversationId, historyFetchLimit(settings.memory))
      : Promise.resolve(call.history ?? []);
  const [admission, release, stored] = await Promise.allSettled([admitting, loading, remembering]);
  if (admission.status === "rejected" || release.status === "rejected" || stored.status === "rejected" || stored.value === null) {
    if (admission.status === "fulfilled") admission.value.release();
    if (admission.status === "rejected") throw admission.reason;
    if (release.status === "rejected") throw release.reason;
    if (stored.status === "rejected") throw stored.reason;
    throw conversationNotFound();
  }
  const admitted = admission.value;
  const active = release.value;
  const earlier = stored.value;

  const history = trimHistory(earlier, settings.memory);
  const conversationId = call.conversationId ?? randomUUID();
  const userMessageId = randomUUID();
  const messageId = randomUUID();
  const usage: TokenUsage = { promptTokens: 0, completionTokens: 0, totalTokens: 0 };
  const writes = chatWrites(db);
  const askedAt = new Date();
  // The question is stored once the answer has begun (never on the first token's path), merged
  // with other turns' writes; `store` waits for it, so it is always stored before its answer.
  let userWrite: Promise<void> | undefined;
  const writeQuestion = () =>
    (userWrite ??= stateless
      ? Promise.resolve()
      : writes.saveTurn({
          conversation: call.conversationId ? undefined : { id: conversationId, botId: bot.id, endUserId: call.caller.endUserId, title: call.message.slice(0, 80) },
          messages: [{ id: userMessageId, conversationId, botId: bot.id, role: "user", content: call.message, releaseNumber: active.number, createdAt: askedAt }],
        }));

  // A run is recorded or refused: when its input is refused or its record cannot be written,
  // the admission taken above is given back before the error reaches the caller.
  const run = await startFlowRun({
    db,
    workspaceId: bot.workspaceId,
    flowId: bot.flowId,
    flowRevision: active.flowRevision,
    graph: active.graph,
    input: { message: call.message, history, variables: call.inputs },
    locale: call.locale,
    signal: call.signal,
    wrapServices: (base) => meteredServices(base, settings.limits.maxOutputTokens, usage),
  }).catch((error: unknown) => {
    admitted.release();
    throw error;
  });

  async function* events(): AsyncGenerator<ChatEvent> {
    let text = "";
    let streamed = false;
    let answer: Answer | undefined;
    let failure: { code: string; message: string } | undefined;
    let finished = false;
    let stored = false;
    const store = async (status: "ok" | "error" | "stopped") => {
      stored = true;
      if (stateless) return;
      await writeQuestion();
      await writes.saveTurn({ messages: [
        {
          id: messageId,
          conversationId,
          botId: bot.id,
          role: "assistant",
          content: answer?.text ?? text,
          citations: toCitations(answer?.citations ?? []),
          runId: run.runId,
          releaseNumber: active.number,
          usage,
          status,
          createdAt: new Date(Math.max(Date.now(), askedAt.getTime() + 1)),
        },
      ], touch: Boolean(call.conversationId) });
    };
    try {
      yield { type: "start", conversationId, messageId, runId: run.runId, release: active.number };
      for await (const event of run.events) {
        if (event.type === "token" && event.answer) {
          text += event.text;
          yield { type: "token", text: event.text };
          if (!streamed) void writeQuestion().catch(() => undefined);
          streamed = true;
        } else if (event.type === "node-started" && !streamed && event.nodeType !== "start") {
          yield { type: "progress", node: nodeLabel(active.graph.nodes, event.nodeId, call.locale) };
        } else if (event.type === "run-finished") {
          finished = true;
          answer = event.answer;
          if (event.status !== "succeeded") failure = { code: event.error?.code ?? "RUN_FAILED", message: event.error?.message ?? "" };
        }
      }
      if (answer && !streamed && answer.text) yield { type: "token", text: answer.text };
      if (failure) {
        await store("error").catch((error) => console.error("[trellis] could not store a bot answer", error));
        yield { type: "error", ...failure };
        return;
      }
      await store("ok");
      yield { type: "citations", citations: toCitations(answer?.citations ?? []) };
      yield { type: "done", conversationId, messageId, answer: answer?.text ?? text, usage: { ...usage } };
    } finally {
      admitted.end(usage.totalTokens);
      // The client went away mid-answer: keep what was said, marked as stopped.
      if (!stored && !finished) void store("stopped").catch(() => undefined);
    }
  }
  return events();
}
