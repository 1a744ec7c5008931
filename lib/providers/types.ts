import type { ChatRequest, ChatResult } from "@/nodes/context";
import type { ProviderFetchOptions } from "@/lib/security/provider-fetch";

/** How a provider reaches the network; production passes nothing. */
export interface ProviderOptions {
  /**
   * The resolver and connector under the pinned provider fetch (lib/security/provider-fetch.ts).
   * Default: the system resolver and net/tls connect. Tests inject both so nothing leaves loopback.
   */
  network?: ProviderFetchOptions;
}

export interface ChatModel {
  readonly provider: string;
  readonly model: string;
  /** Full answer; tokens are streamed through `request.onToken` when given. */
  invoke(request: Omit<ChatRequest, "provider" | "model">): Promise<ChatResult>;
  /** Token stream; the iterator ends when the model is done and throws ProviderError on failure. */
  stream(request: Omit<ChatRequest, "provider" | "model" | "onToken">): AsyncIterable<string>;
}

export interface Embedder {
  readonly provider: string;
  readonly model: string;
  /** Embeds in batches; the output has one vector per input text, in order. */
  embed(texts: string[], signal?: AbortSignal): Promise<number[][]>;
}

export interface ModelInfo {
  name: string;
  /** "chat", "embedding" or unknown when the server does not say. */
  kind?: "chat" | "embedding";
}

export type ProviderErrorCode =
  | "PROVIDER_UNREACHABLE"
  | "PROVIDER_TIMEOUT"
  | "MODEL_NOT_FOUND"
  | "PROVIDER_AUTH"
  | "PROVIDER_ERROR"
  | "PROVIDER_STREAM_BROKEN"
  | "PROVIDER_URL_BLOCKED"
  | "CANCELLED";
