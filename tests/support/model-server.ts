import http from "node:http";
import net from "node:net";
import { hashEmbed } from "@/lib/providers/offline-embedder";

/**
 * A small, protocol-faithful stand-in for a model server on 127.0.0.1, speaking the wire formats
 * the real clients parse: Ollama (/api/tags, /api/show, /api/chat NDJSON, /api/embed,
 * /api/embeddings), OpenAI (/v1/models, /v1/chat/completions SSE, /v1/embeddings float|base64),
 * and what @huggingface/inference calls for an `endpointUrl`: POST {url}/v1/chat/completions and
 * feature extraction POSTed to {url} itself (TEI also answers /embed; TGI has GET /info).
 * Replies are deterministic and quote the last user message, so tests can assert content.
 * Rerank: TEI's POST /rerank and the OpenAI-compatible (vLLM / Jina / Cohere) POST /v1/rerank,
 * scored by `rerankScore` (character-bigram overlap), so tests can predict the order.
 */
export interface ModelServerBehaviour {
  /** Answer every request with HTTP 500 in the real servers' error shapes. */
  fail500?: boolean;
  /** Stream some tokens, then destroy the socket ("destroy") or send an error event ("error"). */
  breakMidStream?: boolean | { afterTokens?: number; mode?: "destroy" | "error" };
  /** Accept the request and never answer. */
  hang?: boolean;
  /** Delay per streamed token in ms (overrides tokenDelayMs). */
  slowTokens?: number;
  /** Send this many tokens, then keep the connection open in silence (idle timeouts). */
  stallAfterTokens?: number;
  /** Wait this long (ms) before answering each embedding request (slow ingestion, for kill tests). */
  embedDelayMs?: number;
}

export interface ModelServerOptions {
  port?: number;
  host?: string;
  chatModels?: string[];
  embeddingModels?: string[];
  /** Models /v1/rerank accepts (TEI's /rerank takes no model). */
  rerankModels?: string[];
  /** Default delay between streamed tokens (ms). */
  tokenDelayMs?: number;
  /** Embedding dimension (default 768, like dmeta-embedding-zh). */
  dimension?: number;
  /** When set, /v1/* requires `Authorization: Bearer <apiKey>` (401 otherwise). */
  apiKey?: string;
  behaviour?: ModelServerBehaviour;
  reply?: (messages: { role: string; content: string }[], model: string) => string;
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: unknown;
  /** The client closed the connection before the answer was complete. */
  closedEarly: boolean;
  /** The server cut the connection on purpose (breakMidStream). */
  brokenByServer: boolean;
}

export interface ModelServer {
  url: string;
  port: number;
  requests: RecordedRequest[];
  setBehaviour(behaviour: ModelServerBehaviour): void;
  close(): Promise<void>;
}

export const DEFAULT_CHAT_MODELS = ["qwen2.5", "Qwen/Qwen2.5-7B-Instruct"];
export const DEFAULT_EMBEDDING_MODELS = ["shaw/dmeta-embedding-zh", "BAAI/bge-m3"];
export const DEFAULT_RERANK_MODELS = ["BAAI/bge-reranker-v2-m3"];

/** Character bigrams of a text, lower-cased, whitespace removed ("Vector db" → ve ec ct to or rd db). */
function bigrams(text: string): Set<string> {
  const chars = [...text.toLowerCase().replace(/\s+/gu, "")];
  const out = new Set<string>();
  for (let i = 0; i + 1 < chars.length; i++) out.add(chars[i] + chars[i + 1]);
  if (chars.length === 1) out.add(chars[0]);
  return out;
}

/**
 * The test server's rerank score: the share of the query's character bigrams found in the
 * document, 0..1 (rounded to 6 places). Deterministic, so tests can predict the rerank order.
 * @example rerankScore("退货政策", "退货政策：七天内可退") // 1
 */
export function rerankScore(query: string, document: string): number {
  const q = bigrams(query);
  if (q.size === 0) return 0;
  const d = bigrams(document);
  let shared = 0;
  for (const b of q) if (d.has(b)) shared++;
  return Math.round((shared / q.size) * 1e6) / 1e6;
}

/** Indices by score, best first; ties keep the input order (what both wire formats return). */
function rankByScore(query: string, documents: string[]): { index: number; score: number }[] {
  return documents.map((d, index) => ({ index, score: rerankScore(query, d) })).sort((a, b) => b.score - a.score || a.index - b.index);
}

/**
 * A free TCP port on 127.0.0.1 (bind to 0, read the port, release it).
 * @example const port = await getFreePort();
 */
export function getFreePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", reject);
    probe.listen(0, host, () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** Reply split like a model's tokens: one Chinese character, or one word with its trailing space. */
export function replyTokens(text: string): string[] {
  return text.match(/\p{Script=Han}|[^\s\p{Script=Han}]+\s*|\s+/gu) ?? [];
}

/** The default reply: quotes the last user message (first 400 characters). */
export function defaultReply(messages: { role: string; content: string }[]): string {
  const last = [...messages].reverse().find((m) => m.role === "user")?.content ?? "";
  const quoted = last.length > 400 ? `${last.slice(0, 400)}…` : last;
  return /\p{Script=Han}/u.test(quoted) ? `你说：「${quoted}」` : `You said: "${quoted}"`;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts the server; `url` has no trailing slash. Point Ollama clients at `url`, OpenAI clients
 * at `${url}/v1`, Hugging Face clients (endpointUrl) at `url`.
 * @example
 * const server = await startModelServer();
 * const llm = createChatModel({ id: "t", kind: "ollama", name: "t", baseUrl: server.url });
 * server.setBehaviour({ fail500: true });
 * await server.close();
 */
export async function startModelServer(options: ModelServerOptions = {}): Promise<ModelServer> {
  const host = options.host ?? "127.0.0.1";
  const chatModels = options.chatModels ?? DEFAULT_CHAT_MODELS;
  const embeddingModels = options.embeddingModels ?? DEFAULT_EMBEDDING_MODELS;
  const rerankModels = options.rerankModels ?? DEFAULT_RERANK_MODELS;
  const dimension = options.dimension ?? 768;
  const reply = options.reply ?? defaultReply;
  let behaviour: ModelServerBehaviour = { ...options.behaviour };
  const requests: RecordedRequest[] = [];
  const known = (m: unknown) => typeof m === "string" && [...chatModels, ...embeddingModels].some((k) => k === m || `${k}:latest` === m);
  const isChat = (m: string) => chatModels.some((k) => k === m || `${k}:latest` === m);

  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString("utf8");
    let body: unknown = raw;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      // Recorded as text; handlers answer 400.
    }
    const path = (req.url ?? "/").split("?")[0];
    const rec: RecordedRequest = { method: req.method ?? "GET", path, headers: req.headers, body, closedEarly: false, brokenByServer: false };
    requests.push(rec);
    res.on("close", () => {
      if (!res.writableEnded && !rec.brokenByServer) rec.closedEarly = true;
    });
    try {
      await route(req.method ?? "GET", path, (body ?? {}) as Record<string, unknown>, req, res, rec);
    } catch (error) {
      if (!res.headersSent) json(res, 500, { error: String(error) });
      else res.destroy();
    }
  });

  const json = (res: http.ServerResponse, status: number, payload: unknown) => {
    res.writeHead(status, { "content-type": "application/json; charset=utf-8" });
    res.end(JSON.stringify(payload));
  };
  const family = (path: string) => (path.startsWith("/api/") ? "ollama" : path.startsWith("/v1/") ? "openai" : "hf");
  const errorBody = (path: string, message: string, type = "server_error") =>
    family(path) === "openai" ? { error: { message, type, param: null, code: null } } : { error: message };
  const notFound = (path: string, model: unknown) =>
    family(path) === "ollama"
      ? { error: `model "${String(model)}" not found, try pulling it first` }
      : { error: { message: `The model \`${String(model)}\` does not exist.`, type: "invalid_request_error", param: "model", code: "model_not_found" } };

  /** Streams tokens with the configured delay and breakage; false when the stream was cut. */
  async function streamTokens(res: http.ServerResponse, rec: RecordedRequest, tokens: string[], write: (t: string, i: number) => string, errorEvent: string) {
    const delay = behaviour.slowTokens ?? options.tokenDelayMs ?? 2;
    const brk = behaviour.breakMidStream;
    const breakAt = brk ? (typeof brk === "object" ? brk.afterTokens ?? 3 : 3) : -1;
    const mode = typeof brk === "object" ? brk.mode ?? "destroy" : "destroy";
    for (let i = 0; i < tokens.length; i++) {
      if (res.destroyed) return false;
      if (i === breakAt) {
        rec.brokenByServer = true;
        if (mode === "error") res.end(errorEvent);
        else res.destroy();
        return false;
      }
      if (i === behaviour.stallAfterTokens) return false;
      res.write(write(tokens[i], i));
      if (delay > 0) await sleep(delay);
    }
    return !res.destroyed;
  }

  async function route(method: string, path: string, body: Record<string, unknown>, req: http.IncomingMessage, res: http.ServerResponse, rec: RecordedRequest) {
    if (behaviour.hang) return; // the response stays open until the client or close() ends it
    if (behaviour.fail500) return json(res, 500, errorBody(path, family(path) === "ollama" ? "llama runner process has terminated: exit status 2" : "Internal server error"));
    if (options.apiKey && (path.startsWith("/v1/") || family(path) === "hf") && req.headers.authorization !== `Bearer ${options.apiKey}`) {
      return json(res, 401, { error: { message: "Incorrect API key provided.", type: "invalid_request_error", param: null, code: "invalid_api_key" } });
    }
    const now = Math.floor(Date.now() / 1000);
    const all = [...chatModels, ...embeddingModels];

    if (method === "GET" && (path === "/" || path === "/api/version")) return json(res, 200, { version: "0.6.0-trellis-test" });
    if (method === "GET" && path === "/api/tags") {
      return json(res, 200, {
        models: all.map((name) => ({
          name: `${name}:latest`, model: `${name}:latest`, modified_at: new Date(0).toISOString(), size: 4_683_087_332, digest: "0".repeat(64),
          details: { parent_model: "", format: "gguf", family: isChat(name) ? "qwen2" : "bert", families: [isChat(name) ? "qwen2" : "bert"], parameter_size: isChat(name) ? "7.6B" : "102M", quantization_level: "Q4_K_M" },
        })),
      });
    }
    if (method === "POST" && path === "/api/show") {
      if (!known(body.model)) return json(res, 404, { error: `model '${String(body.model)}' not found` });
      const chat = isChat(String(body.model));
      return json(res, 200, { modelfile: "", parameters: "", template: "{{ .Prompt }}", details: { format: "gguf", family: chat ? "qwen2" : "bert" }, model_info: {}, capabilities: chat ? ["completion", "tools"] : ["embedding"] });
    }
    if (method === "GET" && (path === "/v1/models" || path === "/models")) {
      return json(res, 200, { object: "list", data: all.map((id) => ({ id, object: "model", created: now, owned_by: "trellis-test" })) });
    }
    if (method === "GET" && path === "/info") return json(res, 200, { model_id: chatModels.find((m) => m.includes("/")) ?? chatModels[0], model_pipeline_tag: "text-generation", max_input_tokens: 32768, version: "3.0.0" });

    if (method === "POST" && path === "/api/chat") return ollamaChat(body, res, rec);
    const embedding = method === "POST" && ["/api/embed", "/api/embeddings", "/v1/embeddings", "/embeddings", "/", "/embed"].includes(path);
    if (embedding && behaviour.embedDelayMs) await sleep(behaviour.embedDelayMs);
    if (method === "POST" && (path === "/v1/chat/completions" || path === "/chat/completions")) return openaiChat(path, body, res, rec);
    if (method === "POST" && (path === "/api/embed" || path === "/api/embeddings")) {
      if (!known(body.model)) return json(res, 404, notFound(path, body.model));
      if (path === "/api/embeddings") return json(res, 200, { embedding: hashEmbed(String(body.prompt ?? ""), dimension) });
      const input = Array.isArray(body.input) ? body.input.map(String) : [String(body.input ?? "")];
      return json(res, 200, { model: body.model, embeddings: input.map((t) => hashEmbed(t, dimension)), total_duration: 1_000_000, load_duration: 0, prompt_eval_count: input.length });
    }
    if (method === "POST" && (path === "/v1/embeddings" || path === "/embeddings")) {
      if (!known(body.model)) return json(res, 404, notFound(path, body.model));
      const input = Array.isArray(body.input) ? body.input.map((t) => (Array.isArray(t) ? t.join(" ") : String(t))) : [String(body.input ?? "")];
      const encode = (v: number[]) => (body.encoding_format === "base64" ? Buffer.from(new Float32Array(v).buffer).toString("base64") : v);
      return json(res, 200, { object: "list", data: input.map((t, index) => ({ object: "embedding", index, embedding: encode(hashEmbed(t, dimension)) })), model: body.model, usage: { prompt_tokens: input.length, total_tokens: input.length } });
    }
    if (method === "POST" && (path === "/" || path === "/embed")) {
      if (body.inputs === undefined) return json(res, 422, { error: "missing field `inputs`", error_type: "Validation" });
      const inputs = Array.isArray(body.inputs) ? body.inputs.map(String) : [String(body.inputs)];
      return json(res, 200, inputs.map((t) => hashEmbed(t, dimension)));
    }
    if (method === "POST" && path === "/rerank") return teiRerank(body, res);
    if (method === "POST" && path === "/v1/rerank") return openaiRerank(path, body, res);
    return json(res, 404, family(path) === "openai" ? { error: { message: `Unknown path ${path}`, type: "invalid_request_error" } } : { error: "404 page not found" });
  }

  /** TEI: `{ query, texts, raw_scores?, return_text? }` → `[{ index, score, text? }]`, best first. */
  function teiRerank(body: Record<string, unknown>, res: http.ServerResponse) {
    if (typeof body.query !== "string" || !Array.isArray(body.texts)) return json(res, 422, { error: "missing field `query` or `texts`", error_type: "Validation" });
    if (body.texts.length === 0) return json(res, 422, { error: "`texts` cannot be empty", error_type: "Validation" });
    const texts = body.texts.map(String);
    return json(res, 200, rankByScore(body.query, texts).map((r) => ({ index: r.index, score: r.score, ...(body.return_text ? { text: texts[r.index] } : {}) })));
  }

  /** vLLM / Jina / Cohere: `{ model, query, documents, top_n? }` → `{ results: [{ index, relevance_score, document }] }`, best first. */
  function openaiRerank(path: string, body: Record<string, unknown>, res: http.ServerResponse) {
    if (!rerankModels.includes(String(body.model))) return json(res, 404, notFound(path, body.model));
    if (typeof body.query !== "string" || !Array.isArray(body.documents)) return json(res, 400, errorBody(path, "query and documents are required", "invalid_request_error"));
    const documents = body.documents.map((d) => (typeof d === "string" ? d : String((d as { text?: unknown })?.text ?? "")));
    const ranked = rankByScore(body.query, documents);
    const topN = typeof body.top_n === "number" && body.top_n > 0 ? Math.floor(body.top_n) : ranked.length;
    return json(res, 200, {
      id: `rerank-${requests.length}`,
      model: body.model,
      usage: { total_tokens: documents.reduce((n, d) => n + replyTokens(d).length, replyTokens(body.query).length) },
      results: ranked.slice(0, topN).map((r) => ({ index: r.index, document: { text: documents[r.index] }, relevance_score: r.score })),
    });
  }

  async function ollamaChat(body: Record<string, unknown>, res: http.ServerResponse, rec: RecordedRequest) {
    const model = String(body.model);
    if (!known(model)) return json(res, 404, notFound("/api/chat", model));
    if (!isChat(model)) return json(res, 400, { error: `"${model}" does not support chat` });
    const messages = (Array.isArray(body.messages) ? body.messages : []) as { role: string; content: string }[];
    const tokens = replyTokens(reply(messages, model));
    const base = { model, created_at: new Date().toISOString() };
    const final = { done: true, done_reason: "stop", total_duration: 5_000_000, load_duration: 1_000_000, prompt_eval_count: messages.length * 8, prompt_eval_duration: 1_000_000, eval_count: tokens.length, eval_duration: 3_000_000 };
    if (body.stream === false) {
      if (behaviour.breakMidStream) return void ((rec.brokenByServer = true), res.destroy());
      return json(res, 200, { ...base, message: { role: "assistant", content: tokens.join("") }, ...final });
    }
    res.writeHead(200, { "content-type": "application/x-ndjson" });
    const line = (o: unknown) => `${JSON.stringify(o)}\n`;
    const complete = await streamTokens(res, rec, tokens, (t) => line({ ...base, message: { role: "assistant", content: t }, done: false }), line({ error: "an error was encountered while running the model: unexpected EOF" }));
    if (complete) res.end(line({ ...base, message: { role: "assistant", content: "" }, ...final }));
  }

  async function openaiChat(path: string, body: Record<string, unknown>, res: http.ServerResponse, rec: RecordedRequest) {
    const model = String(body.model);
    if (!known(model)) return json(res, 404, notFound(path, model));
    const messages = (Array.isArray(body.messages) ? body.messages : []) as { role: string; content: string }[];
    const tokens = replyTokens(reply(messages, model));
    const id = `chatcmpl-${requests.length}`;
    const created = Math.floor(Date.now() / 1000);
    const usage = { prompt_tokens: messages.length * 8, completion_tokens: tokens.length, total_tokens: messages.length * 8 + tokens.length };
    if (!body.stream) {
      if (behaviour.breakMidStream) return void ((rec.brokenByServer = true), res.destroy());
      return json(res, 200, { id, object: "chat.completion", created, model, choices: [{ index: 0, message: { role: "assistant", content: tokens.join("") }, logprobs: null, finish_reason: "stop" }], usage });
    }
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
    const sse = (o: unknown) => `data: ${JSON.stringify(o)}\n\n`;
    const chunk = (delta: Record<string, unknown>, finish: string | null) => sse({ id, object: "chat.completion.chunk", created, model, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] });
    const complete = await streamTokens(res, rec, tokens, (t, i) => chunk(i === 0 ? { role: "assistant", content: t } : { content: t }, null), sse({ error: { message: "The model crashed while generating.", type: "server_error" } }));
    if (!complete) return;
    res.write(chunk({}, "stop"));
    const wantsUsage = (body.stream_options as { include_usage?: boolean } | undefined)?.include_usage;
    if (wantsUsage) res.write(sse({ id, object: "chat.completion.chunk", created, model, choices: [], usage }));
    res.end("data: [DONE]\n\n");
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    port,
    requests,
    setBehaviour(next) {
      behaviour = { ...next };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
