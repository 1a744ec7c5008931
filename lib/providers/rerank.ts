import { AppError } from "@/lib/errors";
import { ProviderError, providerMessages, type ErrorContext } from "./errors";
import { DEFAULT_TIMEOUT_MS, fetchJson, guardedCall, trimUrl } from "./guarded";
import type { ProviderConfig } from "@/lib/provider-config";
import type { ProviderOptions } from "./types";

export const RERANK_DEFAULT_MODEL = "BAAI/bge-reranker-v2-m3";
/** TEI's default `--max-client-batch-size`: larger requests are refused, so texts go in batches. */
const TEI_BATCH = 32;

export interface RerankResult {
  /** Position of the document in the list given to `rerank`. */
  index: number;
  /** Relevance 0..1 as the reranker reports it (TEI with raw_scores:false, or relevance_score). */
  score: number;
}

/** A cross-encoder behind a model server: scores documents against a query. */
export interface Reranker {
  readonly provider: string;
  readonly model: string;
  /** Results best first; at most `topN` of them (all when absent). Throws ProviderError. */
  rerank(query: string, documents: string[], opts?: { topN?: number; signal?: AbortSignal }): Promise<RerankResult[]>;
}

type Post = <T>(url: string, body: unknown, signal?: AbortSignal) => Promise<T>;

function poster(ctx: ErrorContext, config: ProviderConfig, options: ProviderOptions): Post {
  const headers: Record<string, string> = { "content-type": "application/json", ...(config.apiKey ? { authorization: `Bearer ${config.apiKey}` } : {}) };
  return (url, body, signal) =>
    guardedCall(ctx, signal, (guard) => fetchJson(guard, url, { method: "POST", headers, body: JSON.stringify(body) }), options.network);
}

/** What both rerankers start from: the base URL, the model name, the error context and a poster. */
function setUp(kind: ErrorContext["kind"], config: ProviderConfig, model: string | undefined, options: ProviderOptions) {
  const baseUrl = trimUrl(config.baseUrl ?? "");
  const name = model || RERANK_DEFAULT_MODEL;
  const ctx: ErrorContext = { kind, baseUrl, model: name, timeoutMs: config.timeoutMs ?? DEFAULT_TIMEOUT_MS };
  return { baseUrl, name, ctx, post: poster(ctx, config, options) };
}

/** Checks an answer's shape: every index in range and a finite score, else a clear PROVIDER_ERROR. */
function checked(ctx: ErrorContext, results: RerankResult[], count: number): RerankResult[] {
  const bad = results.find((r) => !Number.isInteger(r.index) || r.index < 0 || r.index >= count || !Number.isFinite(r.score));
  if (bad) throw new ProviderError("PROVIDER_ERROR", providerMessages.failed(ctx, `unexpected rerank answer ${JSON.stringify(bad).slice(0, 120)}`));
  return results;
}

const best = (results: RerankResult[], topN?: number) => {
  const sorted = [...results].sort((a, b) => b.score - a.score || a.index - b.index);
  return topN && topN > 0 ? sorted.slice(0, topN) : sorted;
};

/**
 * Hugging Face Text Embeddings Inference: `POST {baseUrl}/rerank` with `{ query, texts, raw_scores: false }`,
 * answered `[{ index, score }]`. The model is whatever the TEI server was started with.
 * @example await createTeiReranker({ id: "tei", kind: "huggingface", name: "TEI", baseUrl: "http://127.0.0.1:8080" }).rerank("退货", ["…", "…"])
 */
function createTeiReranker(config: ProviderConfig, model?: string, options: ProviderOptions = {}): Reranker {
  const { baseUrl, name, ctx, post } = setUp("huggingface", config, model, options);
  return {
    provider: config.id,
    model: name,
    async rerank(query, documents, opts = {}) {
      const results: RerankResult[] = [];
      for (let start = 0; start < documents.length; start += TEI_BATCH) {
        const texts = documents.slice(start, start + TEI_BATCH);
        const answer = await post<unknown>(`${baseUrl}/rerank`, { query, texts, raw_scores: false }, opts.signal);
        if (!Array.isArray(answer)) throw new ProviderError("PROVIDER_ERROR", providerMessages.failed(ctx, "the rerank answer is not a list"));
        const batch = (answer as { index?: unknown; score?: unknown }[]).map((r) => ({ index: Number(r.index), score: Number(r.score) }));
        results.push(...checked(ctx, batch, texts.length).map((r) => ({ index: r.index + start, score: r.score })));
      }
      return best(results, opts.topN);
    },
  };
}

/**
 * OpenAI-compatible rerank (vLLM, Jina, Cohere style): `POST {baseUrl}/rerank` — the base URL
 * already ends in /v1 — with `{ model, query, documents, top_n }`, answered
 * `{ results: [{ index, relevance_score }] }`.
 * @example await createOpenAICompatibleReranker({ id: "vllm", kind: "openai", name: "vLLM", baseUrl: "http://127.0.0.1:8000/v1" }, "BAAI/bge-reranker-v2-m3").rerank("q", docs, { topN: 5 })
 */
function createOpenAICompatibleReranker(config: ProviderConfig, model?: string, options: ProviderOptions = {}): Reranker {
  const { baseUrl, name, ctx, post } = setUp("openai", config, model, options);
  return {
    provider: config.id,
    model: name,
    async rerank(query, documents, opts = {}) {
      if (documents.length === 0) return [];
      const topN = opts.topN && opts.topN > 0 ? Math.min(opts.topN, documents.length) : documents.length;
      const answer = await post<{ results?: { index?: unknown; relevance_score?: unknown }[] }>(`${baseUrl}/rerank`, { model: name, query, documents, top_n: topN }, opts.signal);
      if (!Array.isArray(answer?.results)) throw new ProviderError("PROVIDER_ERROR", providerMessages.failed(ctx, "the rerank answer has no results list"));
      const results = answer.results.map((r) => ({ index: Number(r.index), score: Number(r.relevance_score) }));
      return best(checked(ctx, results, documents.length), topN);
    },
  };
}

/**
 * The reranker a stored provider offers: kind "openai" → OpenAI-compatible /rerank; kind
 * "huggingface" with a base URL (a TEI server) → TEI /rerank. Other providers offer none, and
 * say so (AppError "provider:no_rerank", 400).
 * @example const reranker = createReranker(await resolveProvider(db, ws, "tei"), undefined);
 */
export function createReranker(config: ProviderConfig, model?: string, options: ProviderOptions = {}): Reranker {
  if (config.kind === "openai" && config.baseUrl) return createOpenAICompatibleReranker(config, model, options);
  if (config.kind === "huggingface" && config.baseUrl) return createTeiReranker(config, model, options);
  if (config.kind === "huggingface") {
    throw new AppError(
      "provider:no_rerank",
      {
        en: `Provider "${config.name}" has no base URL: reranking needs a Text Embeddings Inference (TEI) server running a reranker model. Set its URL in the provider settings, or choose another provider.`,
        zh: `模型服务“${config.name}”没有填写基础地址：重排序需要一个运行重排序模型的 Text Embeddings Inference（TEI）服务器。请在模型服务设置中填写其地址，或选择其他模型服务。`,
      },
      400,
    );
  }
  throw new AppError(
    "provider:no_rerank",
    {
      en: `Provider "${config.name}" (${config.kind}) offers no rerank. Choose an OpenAI-compatible provider with a /rerank endpoint (vLLM, Jina) or a Hugging Face TEI server.`,
      zh: `模型服务“${config.name}”（${config.kind}）不提供重排序。请选择带有 /rerank 接口的 OpenAI 兼容模型服务（vLLM、Jina）或 Hugging Face TEI 服务器。`,
    },
    400,
  );
}
