/*
 * The settings of a model provider as they are stored and edited: shared by the database layer
 * (which stores them) and lib/providers (which builds clients from them), so neither imports the other.
 */

export const providerKinds = ["ollama", "openai", "huggingface", "offline"] as const;
export type ProviderKind = (typeof providerKinds)[number];

/**
 * A configured model provider, as the settings page edits it. `apiKey` is the decrypted secret:
 * it exists only on the server, between the database and the SDK client.
 */
export interface ProviderConfig {
  id: string;
  kind: ProviderKind;
  name: string;
  /** Ollama / OpenAI-compatible base URL, or a Hugging Face Inference Endpoint / TGI URL. */
  baseUrl?: string;
  apiKey?: string;
  chatModel?: string;
  embeddingModel?: string;
  /** Per-request timeout in ms (connect and first byte; streams are also idle-capped). */
  timeoutMs?: number;
}
