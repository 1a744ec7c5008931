import type { Locale } from "@/lib/i18n/locale";
import type { ChatMessage, DocumentChunk } from "./ports";

/**
 * Everything a node may use, handed to `run` by the engine. Nodes never import the
 * database, Next.js or SDK clients: all I/O arrives here, so a node module is safe to load
 * in the browser and testable with a plain object.
 */
export interface NodeContext {
  /** Aborted when the run is cancelled, the client disconnects or the node times out. */
  signal: AbortSignal;
  locale: Locale;
  /** What the person (or API caller) sent to the flow. */
  run: RunInput;
  /** Stream a piece of generated text to the person (the engine adds the node id). */
  emitToken(text: string): void;
  /** Call a chat model; tokens arrive through `onToken` as the model produces them. */
  chat(request: ChatRequest): Promise<ChatResult>;
  /** Fetch a user-supplied URL through the SSRF guard (private, loopback, metadata refused). */
  fetch(request: GuardedRequest): Promise<GuardedResponse>;
  /** Search knowledge bases. Absent until knowledge bases exist in this deployment. */
  retrieve?(request: RetrieveRequest): Promise<DocumentChunk[]>;
  /**
   * Run user JavaScript (`function main(inputs) { … return { … } }`) in the sandbox: QuickJS in
   * WebAssembly on a worker thread, with no host access. Absent where code may not run (the browser).
   */
  runCode?(request: RunCodeRequest): Promise<RunCodeResult>;
}

export interface RunCodeRequest {
  source: string;
  /** Sent to the sandbox as a JSON copy. */
  inputs: Record<string, unknown>;
  timeoutMs: number;
  memoryBytes: number;
  /** Cap on the JSON of the outputs plus console output, in bytes. */
  maxOutputBytes: number;
  signal?: AbortSignal;
}

export interface RunCodeResult {
  /** The object `main` returned, parsed from JSON. */
  outputs: Record<string, unknown>;
  /** console.log / info / warn / error lines. */
  logs: string[];
}

export interface RunInput {
  message: string;
  history: ChatMessage[];
  variables: Record<string, unknown>;
}

export interface ChatRequest {
  /** Provider id as stored in settings; "default" means the workspace's default provider. */
  provider: string;
  /** Model name; empty means the provider's default chat model. */
  model?: string;
  messages: ChatMessage[];
  temperature?: number;
  maxTokens?: number;
  /** The person's question, for providers that answer extractively from context. */
  question?: string;
  /** Context passages, for providers that answer extractively and for citations. */
  documents?: DocumentChunk[];
  onToken?: (text: string) => void;
  signal?: AbortSignal;
}

export interface ChatResult {
  text: string;
  model: string;
  provider: string;
  usage?: { inputTokens?: number; outputTokens?: number };
  /** Passages the answer was taken from (extractive answerer). */
  citations?: DocumentChunk[];
}

export interface GuardedRequest {
  url: string;
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  headers?: Record<string, string>;
  body?: string;
  timeoutMs?: number;
  maxBytes?: number;
  signal?: AbortSignal;
}

export interface GuardedResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** True when the body was cut at maxBytes. */
  truncated: boolean;
  url: string;
}

export interface RetrieveRequest {
  knowledgeBaseIds: string[];
  query: string;
  topK: number;
  scoreThreshold?: number;
  mode?: "hybrid" | "vector" | "keyword";
  filter?: { documentIds?: string[]; tags?: string[] };
  /** Rerank the candidates with a provider's reranker; the threshold then applies to its score. */
  rerank?: { provider: string; model?: string; topN?: number };
  signal?: AbortSignal;
}
