import { InferenceClient } from "@huggingface/inference";
import { AppError } from "@/lib/errors";
import type { ErrorContext } from "./errors";
import { DEFAULT_TIMEOUT_MS, fetchJson, guardedCall, guardedChatModel, guardedEmbedder, providerCall, trimUrl, type Piece } from "./guarded";
import { parseOpenAIModels } from "./openai-compatible";
import type { RequestGuard } from "./request-guard";
import type { ChatModel, Embedder, ModelInfo, ProviderOptions } from "./types";
import type { ProviderConfig } from "@/lib/provider-config";

export const HF_DEFAULT_CHAT_MODEL = "Qwen/Qwen2.5-7B-Instruct";
export const HF_DEFAULT_EMBEDDING_MODEL = "BAAI/bge-m3";
const HF_ROUTER = "https://router.huggingface.co";
const EMBED_BATCH = 32;

/**
 * Two ways to reach Hugging Face: Inference Providers (token + model id, routed by HF), or an
 * Inference Endpoint / self-hosted TGI or TEI (`baseUrl` becomes the client's `endpointUrl`).
 * With an endpoint the client POSTs chat to {url}/v1/chat/completions and feature extraction to
 * {url} itself; `model` is always passed, else the client would send the URL as the model name.
 */
function context(config: ProviderConfig, model?: string): ErrorContext {
  if (!config.baseUrl && !config.apiKey) {
    throw new AppError(
      "provider:config",
      {
        en: `Provider "${config.name}" needs a Hugging Face access token (hf_…) for Inference Providers, or the URL of an Inference Endpoint / TGI server.`,
        zh: `模型服务“${config.name}”需要 Hugging Face 访问令牌（hf_…）才能使用 Inference Providers，或者填写 Inference Endpoint / TGI 服务器地址。`,
      },
      400,
    );
  }
  return { kind: "huggingface", baseUrl: config.baseUrl ? trimUrl(config.baseUrl) : HF_ROUTER, model, timeoutMs: config.timeoutMs ?? DEFAULT_TIMEOUT_MS };
}

function client(config: ProviderConfig, guard: RequestGuard): InferenceClient {
  const endpointUrl = config.baseUrl ? trimUrl(config.baseUrl) : undefined;
  return new InferenceClient(config.apiKey ?? "", { endpointUrl, fetch: guard.fetch, retry_on_error: false });
}

/**
 * Chat through @huggingface/inference's chatCompletionStream.
 * @example createHuggingFaceChatModel({ id: "tgi", kind: "huggingface", name: "TGI", baseUrl: "http://10.0.0.5:8080" })
 */
export function createHuggingFaceChatModel(config: ProviderConfig, model?: string, options: ProviderOptions = {}): ChatModel {
  const call = providerCall(config, "chat", model, HF_DEFAULT_CHAT_MODEL, context, options);
  const { model: name } = call;
  return guardedChatModel({
    ...call,
    async *open(request, guard): AsyncGenerator<Piece> {
      const stream = client(config, guard).chatCompletionStream(
        {
          model: name,
          ...(config.baseUrl ? {} : { provider: "auto" as const }),
          messages: request.messages.map((m) => ({ role: m.role, content: m.content })),
          temperature: request.temperature,
          max_tokens: request.maxTokens,
        },
        { signal: guard.signal },
      );
      for await (const chunk of stream) {
        const text = chunk.choices?.[0]?.delta?.content;
        if (text) yield text;
        if (chunk.usage) yield { usage: { inputTokens: chunk.usage.prompt_tokens, outputTokens: chunk.usage.completion_tokens } };
      }
    },
  });
}

/** Sentence vectors from a feature-extraction answer; token-level outputs are mean-pooled. */
function toSentenceVectors(output: unknown, count: number): number[][] {
  if (!Array.isArray(output)) return [];
  const rows = count === 1 && typeof output[0] === "number" ? [output] : output;
  return rows.map((row: unknown) => {
    if (Array.isArray(row) && Array.isArray(row[0])) {
      const tokens = row as number[][];
      return tokens[0].map((_, i) => tokens.reduce((sum, t) => sum + t[i], 0) / tokens.length);
    }
    return row as number[];
  });
}

/**
 * Embeddings through featureExtraction (Inference Providers' hf-inference, or a TEI endpoint).
 * @example await createHuggingFaceEmbedder(config).embed(["你好", "hello"])
 */
export function createHuggingFaceEmbedder(config: ProviderConfig, model?: string, options: ProviderOptions = {}): Embedder {
  const call = providerCall(config, "embedding", model, HF_DEFAULT_EMBEDDING_MODEL, context, options);
  const { model: name } = call;
  return guardedEmbedder({
    ...call,
    batchSize: EMBED_BATCH,
    async embedBatch(texts, guard) {
      const output = await client(config, guard).featureExtraction(
        { model: name, inputs: texts, ...(config.baseUrl ? {} : { provider: "hf-inference" as const }) },
        { signal: guard.signal },
      );
      return toSentenceVectors(output, texts.length);
    },
  });
}

/**
 * Models behind the configured endpoint (TGI's GET /info, else GET /v1/models), or the chat
 * models Inference Providers route (GET router.huggingface.co/v1/models, which also checks the token).
 * @example await listHuggingFaceModels({ …, baseUrl: "http://127.0.0.1:8080" }) // [{ name: "Qwen/Qwen2.5-7B-Instruct", kind: "chat" }]
 */
export async function listHuggingFaceModels(config: ProviderConfig, signal?: AbortSignal, options: ProviderOptions = {}): Promise<ModelInfo[]> {
  const ctx = context(config);
  const headers: Record<string, string> = config.apiKey ? { authorization: `Bearer ${config.apiKey}` } : {};
  if (!config.baseUrl) {
    return parseOpenAIModels(await guardedCall(ctx, signal, (guard) => fetchJson(guard, `${HF_ROUTER}/v1/models`, { headers }), options.network));
  }
  try {
    const info = await guardedCall(ctx, signal, (guard) => fetchJson<{ model_id?: string }>(guard, `${ctx.baseUrl}/info`, { headers }), options.network);
    if (info.model_id) return [{ name: info.model_id, kind: "chat" }];
  } catch (error) {
    // Not TGI (no /info): try the OpenAI-style listing, unless the server is simply down.
    const code = (error as { code?: string }).code;
    if (code !== "PROVIDER_ERROR") throw error;
  }
  return parseOpenAIModels(await guardedCall(ctx, signal, (guard) => fetchJson(guard, `${ctx.baseUrl}/v1/models`, { headers }), options.network));
}
