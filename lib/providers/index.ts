import { AppError } from "@/lib/errors";
import type { Localized } from "@/lib/i18n/locale";
import { ProviderError, providerMessages } from "./errors";
import { createHuggingFaceChatModel, createHuggingFaceEmbedder, listHuggingFaceModels } from "./huggingface";
import { createOfflineChatModel, createOfflineEmbedder, offlineModels, EXTRACTIVE_ANSWERER_MODEL, OFFLINE_EMBEDDER_MODEL } from "./offline";
import { OLLAMA_DEFAULT_CHAT_MODEL, OLLAMA_DEFAULT_EMBEDDING_MODEL, OLLAMA_DEFAULT_URL, createOllamaChatModel, createOllamaEmbedder, listOllamaModels } from "./ollama";
import { createOpenAICompatibleChatModel, createOpenAICompatibleEmbedder, listOpenAICompatibleModels } from "./openai-compatible";
import { trimUrl } from "./guarded";
import { createProviderFetch } from "@/lib/security/provider-fetch";
import type { ChatModel, Embedder, ModelInfo, ProviderErrorCode, ProviderOptions } from "./types";
import type { ProviderConfig } from "@/lib/provider-config";

export { ProviderError, isProviderError } from "./errors";
export { DEFAULT_TIMEOUT_MS } from "./guarded";
export { hashEmbed, OFFLINE_EMBEDDING_DIMENSION } from "./offline-embedder";
export { extractAnswer, splitSentences } from "./extractive-answerer";
export { OLLAMA_DEFAULT_URL, OLLAMA_DEFAULT_CHAT_MODEL, OLLAMA_DEFAULT_EMBEDDING_MODEL, EXTRACTIVE_ANSWERER_MODEL, OFFLINE_EMBEDDER_MODEL };
export type * from "./types";

/** Works with nothing installed: the extractive answerer and the hash embedder. */
export const offlineProvider: ProviderConfig = {
  id: "offline",
  kind: "offline",
  name: "Offline (extractive answerer + hash embedder, no language model)",
  chatModel: EXTRACTIVE_ANSWERER_MODEL,
  embeddingModel: OFFLINE_EMBEDDER_MODEL,
};

/**
 * The provider used when Ollama answers at start: qwen2.5 for chat, dmeta-embedding-zh for embeddings.
 * @example ollamaDefaultProvider(env().OLLAMA_BASE_URL)
 */
export function ollamaDefaultProvider(baseUrl: string = OLLAMA_DEFAULT_URL): ProviderConfig {
  return { id: "ollama-local", kind: "ollama", name: builtinProviderNames["ollama-local"].en, baseUrl, chatModel: OLLAMA_DEFAULT_CHAT_MODEL, embeddingModel: OLLAMA_DEFAULT_EMBEDDING_MODEL };
}

/** The built-in providers' names in each language (stored providers are named by people). */
export const builtinProviderNames: Record<string, Localized> = {
  offline: { en: "Offline (extractive answerer + hash embedder, no language model)", zh: "离线（抽取式回答 + 哈希向量，不含大模型）" },
  "ollama-local": { en: "Ollama (local)", zh: "Ollama（本机）" },
};

function unknownKind(config: ProviderConfig): never {
  throw new AppError("provider:config", { en: `Unknown provider kind "${String(config.kind)}".`, zh: `未知的模型服务类型“${String(config.kind)}”。` }, 400);
}

/**
 * The chat model for a configured provider (`model` overrides the provider's default chat model).
 * Every call honours `request.signal` and `config.timeoutMs`, and throws ProviderError.
 * @example
 * const llm = createChatModel(ollamaDefaultProvider("http://127.0.0.1:11434"));
 * const { text } = await llm.invoke({ messages: [{ role: "user", content: "你好" }], onToken: send });
 */
export function createChatModel(config: ProviderConfig, model?: string, options: ProviderOptions = {}): ChatModel {
  switch (config.kind) {
    case "ollama":
      return createOllamaChatModel(config, model, options);
    case "openai":
      return createOpenAICompatibleChatModel(config, model, options);
    case "huggingface":
      return createHuggingFaceChatModel(config, model, options);
    case "offline":
      return createOfflineChatModel(config.id);
    default:
      return unknownKind(config);
  }
}

/**
 * The embedder for a configured provider. Vectors from different models are not comparable:
 * a knowledge base remembers which embedder filled it.
 * @example const vectors = await createEmbedder(offlineProvider).embed(["向量检索", "vector search"]);
 */
export function createEmbedder(config: ProviderConfig, model?: string, options: ProviderOptions = {}): Embedder {
  switch (config.kind) {
    case "ollama":
      return createOllamaEmbedder(config, model, options);
    case "openai":
      return createOpenAICompatibleEmbedder(config, model, options);
    case "huggingface":
      return createHuggingFaceEmbedder(config, model, options);
    case "offline":
      return createOfflineEmbedder(config.id);
    default:
      return unknownKind(config);
  }
}

/**
 * The models a provider offers, for the settings page's pickers.
 * @example await listModels(ollamaDefaultProvider()) // [{ name: "qwen2.5:latest", kind: "chat" }, …]
 */
export async function listModels(config: ProviderConfig, signal?: AbortSignal, options: ProviderOptions = {}): Promise<ModelInfo[]> {
  switch (config.kind) {
    case "ollama":
      return listOllamaModels(config, signal, options);
    case "openai":
      return listOpenAICompatibleModels(config, signal, options);
    case "huggingface":
      return listHuggingFaceModels(config, signal, options);
    case "offline":
      return offlineModels;
    default:
      return unknownKind(config);
  }
}

export type ConnectionTest = { ok: true; models: ModelInfo[] } | { ok: false; error: { code: ProviderErrorCode | string; message: Localized } };

/**
 * The settings page's "Test connection" button: lists models and reports failure as data, in
 * both languages, instead of throwing.
 * @example const r = await testConnection(config); if (!r.ok) show(r.error.message[locale]);
 */
export async function testConnection(config: ProviderConfig, options: ProviderOptions = {}): Promise<ConnectionTest> {
  try {
    return { ok: true, models: await listModels(config, undefined, options) };
  } catch (error) {
    if (error instanceof AppError) return { ok: false, error: { code: error.code, message: error.localized } };
    const ctx = { kind: config.kind, baseUrl: config.baseUrl ?? "", timeoutMs: config.timeoutMs ?? 0 };
    const message = error instanceof Error ? error.message : String(error);
    const wrapped = new ProviderError("PROVIDER_ERROR", providerMessages.failed(ctx, message));
    return { ok: false, error: { code: wrapped.code, message: wrapped.localized } };
  }
}

/**
 * Whether Ollama answers at `baseUrl` (GET /api/tags) within `timeoutMs`; used at start to pick
 * the default provider. Goes through the pinned provider fetch like every model request. Never throws.
 * @example if (await probeOllama(env().OLLAMA_BASE_URL)) useOllama();
 */
export async function probeOllama(baseUrl: string, timeoutMs = 800, options: ProviderOptions = {}): Promise<boolean> {
  try {
    const response = await createProviderFetch(options.network)(`${trimUrl(baseUrl)}/api/tags`, { signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) return false;
    const body = (await response.json()) as { models?: unknown };
    return Array.isArray(body.models);
  } catch {
    return false;
  }
}
export { providerKinds } from "@/lib/provider-config";
export type { ProviderConfig, ProviderKind } from "@/lib/provider-config";
