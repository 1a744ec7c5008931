import { createProviderFetch, type ProviderFetchOptions } from "@/lib/security/provider-fetch";
import type { ChatRequest, ChatResult } from "@/nodes/context";
import { toProviderError } from "./classify";
import { ProviderError, providerMessages, type ErrorContext } from "./errors";
import { createRequestGuard, type RequestGuard } from "./request-guard";
import type { ProviderConfig } from "@/lib/provider-config";
import type { ChatModel, Embedder, ProviderOptions } from "./types";

/** Default for connect + first byte, and for the silence allowed between stream chunks. */
export const DEFAULT_TIMEOUT_MS = 60_000;

export type StreamRequest = Omit<ChatRequest, "provider" | "model" | "onToken">;
export type Usage = NonNullable<ChatResult["usage"]>;
/** What a provider's stream yields: text pieces, and usage when the server reports it. */
export type Piece = string | { usage: Usage };

/** The fetch under a provider's guards: the default pinned fetch, or one on an injected resolver and connector (tests). */
function transport(network: ProviderFetchOptions | undefined): typeof fetch | undefined {
  return network ? createProviderFetch(network) : undefined;
}

/**
 * Builds a ChatModel from a provider's raw token stream. Here, once for every provider: the
 * guarded fetch (cancel, first-byte and idle timeouts), error mapping, keeping the partial text
 * when a stream breaks, and aborting the HTTP request when the consumer stops early.
 * @example
 * guardedChatModel({ provider: "ollama", model, ctx, open: (req, guard) => streamOllama(req, guard) })
 */
export function guardedChatModel(opts: {
  provider: string;
  model: string;
  ctx: ErrorContext;
  open: (request: StreamRequest, guard: RequestGuard) => AsyncIterable<Piece>;
  network?: ProviderFetchOptions;
}): ChatModel {
  const { ctx } = opts;
  const network = transport(opts.network);
  async function* pieces(request: StreamRequest): AsyncGenerator<Piece> {
    const guard = createRequestGuard({ signal: request.signal, timeoutMs: ctx.timeoutMs, idleTimeoutMs: ctx.timeoutMs, fetch: network });
    let partial = "";
    try {
      if (guard.state.cancelled) throw new ProviderError("CANCELLED", providerMessages.cancelled());
      for await (const piece of opts.open(request, guard)) {
        if (typeof piece === "string") {
          if (!piece) continue;
          partial += piece;
        }
        yield piece;
      }
      // Some SDKs end a stream quietly when their signal fires; a cut answer must not pass as whole.
      if (guard.state.cancelled || guard.state.timedOut || guard.state.bodyBroken) throw new Error("stream ended early");
    } catch (error) {
      throw toProviderError(error, guard.state, ctx, partial);
    } finally {
      guard.dispose();
    }
  }

  return {
    provider: opts.provider,
    model: opts.model,
    async invoke(request) {
      let text = "";
      let usage: Usage | undefined;
      for await (const piece of pieces(request)) {
        if (typeof piece === "string") {
          text += piece;
          request.onToken?.(piece);
        } else usage = piece.usage;
      }
      return { text, model: opts.model, provider: opts.provider, ...(usage ? { usage } : {}) };
    },
    async *stream(request) {
      for await (const piece of pieces(request)) if (typeof piece === "string") yield piece;
    },
  };
}

/**
 * Builds an Embedder that sends `batchSize` texts per request, each request guarded the same
 * way as chat (cancel, timeouts, error mapping), and checks the server returned one vector per text.
 * @example guardedEmbedder({ provider: "ollama", model, ctx, batchSize: 32, embedBatch: (texts, guard) => … })
 */
export function guardedEmbedder(opts: {
  provider: string;
  model: string;
  ctx: ErrorContext;
  batchSize: number;
  embedBatch: (texts: string[], guard: RequestGuard) => Promise<number[][]>;
  network?: ProviderFetchOptions;
}): Embedder {
  const network = transport(opts.network);
  return {
    provider: opts.provider,
    model: opts.model,
    async embed(texts, signal) {
      const out: number[][] = [];
      for (let start = 0; start < texts.length; start += opts.batchSize) {
        const batch = texts.slice(start, start + opts.batchSize);
        const guard = createRequestGuard({ signal, timeoutMs: opts.ctx.timeoutMs, idleTimeoutMs: opts.ctx.timeoutMs, fetch: network });
        try {
          if (guard.state.cancelled) throw new ProviderError("CANCELLED", providerMessages.cancelled());
          const vectors = await opts.embedBatch(batch, guard);
          if (vectors.length !== batch.length || vectors.some((v) => !Array.isArray(v) || v.length === 0)) {
            throw new ProviderError("PROVIDER_ERROR", providerMessages.failed(opts.ctx, `expected ${batch.length} embeddings, got ${vectors.length}`));
          }
          out.push(...vectors);
        } catch (error) {
          throw toProviderError(error, guard.state, { ...opts.ctx, model: opts.model });
        } finally {
          guard.dispose();
        }
      }
      return out;
    },
  };
}

/**
 * Runs one guarded non-chat request (model listing), with the same error mapping and network.
 * @example await guardedCall(ctx, undefined, (guard) => guard.fetch(`${baseUrl}/api/tags`).then((r) => r.json()))
 */
export async function guardedCall<T>(ctx: ErrorContext, signal: AbortSignal | undefined, run: (guard: RequestGuard) => Promise<T>, network?: ProviderFetchOptions): Promise<T> {
  const guard = createRequestGuard({ signal, timeoutMs: ctx.timeoutMs, idleTimeoutMs: ctx.timeoutMs, fetch: transport(network) });
  try {
    return await run(guard);
  } catch (error) {
    throw toProviderError(error, guard.state, ctx);
  } finally {
    guard.dispose();
  }
}

/** Fetches JSON through a guard; non-2xx becomes an error the classifier maps from the guard's record. */
export async function fetchJson<T>(guard: RequestGuard, url: string, init?: RequestInit): Promise<T> {
  const response = await guard.fetch(url, init);
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return (await response.json()) as T;
}

/** Strips trailing slashes so paths can be appended. */
export function trimUrl(url: string): string {
  return url.replace(/\/+$/, "");
}

/** What a provider's chat model or embedder is built on (see providerCall). */
export interface ProviderCall {
  provider: string;
  model: string;
  ctx: ErrorContext;
  network?: ProviderFetchOptions;
}

/**
 * The start every provider's chat model and embedder share: the model asked for, else the
 * provider's own default for that role, else the kind's; the error context naming it; the network.
 * @example const call = providerCall(config, "chat", model, OLLAMA_DEFAULT_CHAT_MODEL, context, options);
 */
export function providerCall(
  config: ProviderConfig,
  role: "chat" | "embedding",
  model: string | undefined,
  fallback: string,
  context: (config: ProviderConfig, model: string) => ErrorContext,
  options: ProviderOptions,
): ProviderCall {
  const name = model || (role === "chat" ? config.chatModel : config.embeddingModel) || fallback;
  return { provider: config.id, model: name, ctx: context(config, name), network: options.network };
}
