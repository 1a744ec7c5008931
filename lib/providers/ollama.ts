import { OllamaEmbeddings } from "@langchain/ollama";
import type { ErrorContext } from "./errors";
import { DEFAULT_TIMEOUT_MS, fetchJson, guardedCall, guardedChatModel, guardedEmbedder, providerCall, trimUrl } from "./guarded";
import { streamOllamaChat } from "./ollama-stream";
import type { ChatModel, Embedder, ModelInfo, ProviderOptions } from "./types";
import type { ProviderConfig } from "@/lib/provider-config";

export const OLLAMA_DEFAULT_URL = "http://127.0.0.1:11434";
export const OLLAMA_DEFAULT_CHAT_MODEL = "qwen2.5";
export const OLLAMA_DEFAULT_EMBEDDING_MODEL = "shaw/dmeta-embedding-zh";
const EMBED_BATCH = 32;

function context(config: ProviderConfig, model?: string): ErrorContext {
  return { kind: "ollama", baseUrl: trimUrl(config.baseUrl || OLLAMA_DEFAULT_URL), model, timeoutMs: config.timeoutMs ?? DEFAULT_TIMEOUT_MS };
}

/**
 * Chat through a local (or LAN) Ollama: its /api/chat NDJSON stream read directly (ollama-stream.ts)
 * rather than through LangChain's ChatOllama, which cost about twice the CPU per answer for the
 * same request and pieces (docs/architecture.md). Each call gets its own guarded fetch, so cancel
 * and timeouts close the HTTP request itself.
 * @example await createOllamaChatModel({ id: "ollama-local", kind: "ollama", name: "Ollama" }).invoke({ messages })
 */
export function createOllamaChatModel(config: ProviderConfig, model?: string, options: ProviderOptions = {}): ChatModel {
  const call = providerCall(config, "chat", model, OLLAMA_DEFAULT_CHAT_MODEL, context, options);
  const url = `${call.ctx.baseUrl}/api/chat`;
  return guardedChatModel({
    ...call,
    open: (request, guard) => streamOllamaChat(url, call.model, request, guard),
  });
}

/**
 * Embeddings from Ollama's /api/embed in batches of 32 texts.
 * @example const [v] = await createOllamaEmbedder(config).embed(["向量数据库"]);
 */
export function createOllamaEmbedder(config: ProviderConfig, model?: string, options: ProviderOptions = {}): Embedder {
  const call = providerCall(config, "embedding", model, OLLAMA_DEFAULT_EMBEDDING_MODEL, context, options);
  const { model: name, ctx } = call;
  return guardedEmbedder({
    ...call,
    batchSize: EMBED_BATCH,
    embedBatch: (texts, guard) => new OllamaEmbeddings({ baseUrl: ctx.baseUrl, model: name, fetch: guard.fetch, maxRetries: 0 }).embedDocuments(texts),
  });
}

interface TagsResponse {
  models?: { name: string; model?: string }[];
}
interface ShowResponse {
  capabilities?: string[];
}

function kindFromName(name: string): ModelInfo["kind"] {
  return /embed|bge|m3e|dmeta|minilm|e5-|gte-|nomic/i.test(name) ? "embedding" : "chat";
}

/**
 * The models installed in Ollama (GET /api/tags), each asked for its capabilities (POST /api/show)
 * so the settings page can offer chat models for chat and embedding models for embeddings.
 * @example (await listOllamaModels(config)).map((m) => m.name) // ["qwen2.5:latest", …]
 */
export async function listOllamaModels(config: ProviderConfig, signal?: AbortSignal, options: ProviderOptions = {}): Promise<ModelInfo[]> {
  const ctx = context(config);
  const tags = await guardedCall(ctx, signal, (guard) => fetchJson<TagsResponse>(guard, `${ctx.baseUrl}/api/tags`), options.network);
  const names = (tags.models ?? []).map((m) => m.name || m.model || "").filter(Boolean);
  return Promise.all(
    names.map(async (name): Promise<ModelInfo> => {
      try {
        const show = await guardedCall(
          ctx,
          signal,
          (guard) => fetchJson<ShowResponse>(guard, `${ctx.baseUrl}/api/show`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ model: name }) }),
          options.network,
        );
        if (show.capabilities?.includes("embedding")) return { name, kind: "embedding" };
        if (show.capabilities?.includes("completion")) return { name, kind: "chat" };
      } catch (error) {
        // Older Ollama versions lack capabilities; cancellation must still propagate.
        if (signal?.aborted) throw error;
      }
      return { name, kind: kindFromName(name) };
    }),
  );
}
