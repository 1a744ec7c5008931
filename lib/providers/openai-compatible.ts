import { ChatOpenAICompletions, OpenAIEmbeddings } from "@langchain/openai";
import { AppError } from "@/lib/errors";
import type { ErrorContext } from "./errors";
import { DEFAULT_TIMEOUT_MS, fetchJson, guardedCall, guardedChatModel, guardedEmbedder, providerCall, trimUrl, type Piece } from "./guarded";
import { streamPieces } from "./lc-messages";
import type { ChatModel, Embedder, ModelInfo, ProviderOptions } from "./types";
import type { ProviderConfig } from "@/lib/provider-config";

export const OPENAI_DEFAULT_CHAT_MODEL = "Qwen/Qwen2.5-7B-Instruct";
export const OPENAI_DEFAULT_EMBEDDING_MODEL = "BAAI/bge-m3";
/** The OpenAI SDK refuses to start without a key; local servers (vLLM, LM Studio) ignore it. */
const PLACEHOLDER_KEY = "not-needed";
const EMBED_BATCH = 64;

function context(config: ProviderConfig, model?: string): ErrorContext {
  if (!config.baseUrl) {
    throw new AppError(
      "provider:config",
      {
        en: `Provider "${config.name}" needs a base URL (for example http://127.0.0.1:8000/v1 for vLLM or http://127.0.0.1:1234/v1 for LM Studio).`,
        zh: `模型服务“${config.name}”需要填写基础地址（例如 vLLM 的 http://127.0.0.1:8000/v1，LM Studio 的 http://127.0.0.1:1234/v1）。`,
      },
      400,
    );
  }
  return { kind: "openai", baseUrl: trimUrl(config.baseUrl), model, timeoutMs: config.timeoutMs ?? DEFAULT_TIMEOUT_MS };
}

/**
 * Chat with any OpenAI-compatible /v1 server (vLLM, LM Studio, llama.cpp server, OpenAI itself).
 * Uses ChatOpenAI's chat-completions class explicitly: the ChatOpenAI facade switches some model
 * names to the Responses API, which most local servers do not speak.
 * @example createOpenAICompatibleChatModel({ id: "vllm", kind: "openai", name: "vLLM", baseUrl: "http://127.0.0.1:8000/v1" })
 */
export function createOpenAICompatibleChatModel(config: ProviderConfig, model?: string, options: ProviderOptions = {}): ChatModel {
  const call = providerCall(config, "chat", model, OPENAI_DEFAULT_CHAT_MODEL, context, options);
  const { model: name, ctx } = call;
  return guardedChatModel({
    ...call,
    async *open(request, guard): AsyncGenerator<Piece> {
      const chat = new ChatOpenAICompletions({
        model: name,
        apiKey: config.apiKey || PLACEHOLDER_KEY,
        configuration: { baseURL: ctx.baseUrl, fetch: guard.fetch },
        maxRetries: 0,
        temperature: request.temperature,
        maxTokens: request.maxTokens,
        streamUsage: true,
      });
      yield* streamPieces(chat, request.messages, guard.signal);
    },
  });
}

/**
 * Embeddings from POST /v1/embeddings. `encodingFormat: "float"` because the SDK's default base64
 * request silently decodes to all-zero vectors against servers that answer plain floats.
 * @example await createOpenAICompatibleEmbedder(config, "BAAI/bge-m3").embed(["hello", "你好"])
 */
export function createOpenAICompatibleEmbedder(config: ProviderConfig, model?: string, options: ProviderOptions = {}): Embedder {
  const call = providerCall(config, "embedding", model, OPENAI_DEFAULT_EMBEDDING_MODEL, context, options);
  const { model: name, ctx } = call;
  return guardedEmbedder({
    ...call,
    batchSize: EMBED_BATCH,
    embedBatch: (texts, guard) =>
      new OpenAIEmbeddings({
        model: name,
        apiKey: config.apiKey || PLACEHOLDER_KEY,
        configuration: { baseURL: ctx.baseUrl, fetch: guard.fetch },
        encodingFormat: "float",
        maxRetries: 0,
        batchSize: EMBED_BATCH,
      }).embedDocuments(texts),
  });
}

interface ModelsResponse {
  data?: { id: string }[];
}

/** Parses an OpenAI `GET /models` answer; "embed" in the id marks an embedding model. */
export function parseOpenAIModels(body: ModelsResponse): ModelInfo[] {
  return (body.data ?? []).map((m) => ({ name: m.id, kind: /embed|bge|e5-|gte-|m3e/i.test(m.id) ? "embedding" : "chat" }));
}

/**
 * The server's models from GET {baseUrl}/models.
 * @example await listOpenAICompatibleModels({ …, baseUrl: "http://127.0.0.1:1234/v1" })
 */
export async function listOpenAICompatibleModels(config: ProviderConfig, signal?: AbortSignal, options: ProviderOptions = {}): Promise<ModelInfo[]> {
  const ctx = context(config);
  const headers: Record<string, string> = config.apiKey ? { authorization: `Bearer ${config.apiKey}` } : {};
  const body = await guardedCall(ctx, signal, (guard) => fetchJson<ModelsResponse>(guard, `${ctx.baseUrl}/models`, { headers }), options.network);
  return parseOpenAIModels(body);
}
