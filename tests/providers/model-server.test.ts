import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rerankScore, startModelServer, type ModelServer } from "@/tests/support/model-server";

/** The stand-in must speak the real wire formats: these tests pin them without any SDK in between. */
let server: ModelServer;
beforeAll(async () => {
  server = await startModelServer({ tokenDelayMs: 0, dimension: 16 });
});
afterAll(() => server.close());

const post = (path: string, body: unknown) => fetch(server.url + path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
const messages = [{ role: "user", content: "ping pong" }];

describe("test model server wire formats", () => {
  it("Ollama /api/chat streams NDJSON lines ending with done:true and counts", async () => {
    const response = await post("/api/chat", { model: "qwen2.5", messages });
    expect(response.headers.get("content-type")).toBe("application/x-ndjson");
    const lines = (await response.text()).trim().split("\n").map((l) => JSON.parse(l));
    expect(lines.length).toBeGreaterThan(3);
    expect(lines.slice(0, -1).every((l) => l.done === false && l.message.role === "assistant")).toBe(true);
    expect(lines.at(-1)).toMatchObject({ done: true, done_reason: "stop", eval_count: lines.length - 1 });
    expect(lines.map((l) => l.message.content).join("")).toBe('You said: "ping pong"');
  });

  it("Ollama stream:false answers one JSON object; unknown models get Ollama's 404", async () => {
    const one = await (await post("/api/chat", { model: "qwen2.5:latest", messages, stream: false })).json();
    expect(one).toMatchObject({ done: true, message: { content: 'You said: "ping pong"' } });
    const missing = await post("/api/chat", { model: "llama9", messages });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: 'model "llama9" not found, try pulling it first' });
  });

  it("Ollama embeddings: /api/embed batches, legacy /api/embeddings single", async () => {
    const batch = await (await post("/api/embed", { model: "shaw/dmeta-embedding-zh", input: ["a", "b"] })).json();
    expect(batch.embeddings).toHaveLength(2);
    expect(batch.embeddings[0]).toHaveLength(16);
    const legacy = await (await post("/api/embeddings", { model: "shaw/dmeta-embedding-zh", prompt: "a" })).json();
    expect(legacy.embedding).toEqual(batch.embeddings[0]);
  });

  it("OpenAI chat streams SSE chunks then data: [DONE]", async () => {
    const response = await post("/v1/chat/completions", { model: "qwen2.5", messages, stream: true, stream_options: { include_usage: true } });
    expect(response.headers.get("content-type")).toBe("text/event-stream");
    const events = (await response.text()).split("\n\n").filter(Boolean);
    expect(events.at(-1)).toBe("data: [DONE]");
    const chunks = events.slice(0, -1).map((e) => JSON.parse(e.replace(/^data: /, "")));
    const text = chunks.map((c) => c.choices[0]?.delta?.content ?? "").join("");
    expect(text).toBe('You said: "ping pong"');
    expect(chunks.some((c) => c.choices[0]?.finish_reason === "stop")).toBe(true);
    expect(chunks.at(-1).usage.completion_tokens).toBeGreaterThan(0);
  });

  it("OpenAI embeddings: base64 decodes to the same floats; unknown models get an error object", async () => {
    const floats = await (await post("/v1/embeddings", { model: "BAAI/bge-m3", input: ["hello"], encoding_format: "float" })).json();
    const b64 = await (await post("/v1/embeddings", { model: "BAAI/bge-m3", input: "hello", encoding_format: "base64" })).json();
    const decoded = Array.from(new Float32Array(new Uint8Array(Buffer.from(b64.data[0].embedding, "base64")).buffer));
    decoded.forEach((x, i) => expect(x).toBeCloseTo(floats.data[0].embedding[i], 6));
    const missing = await post("/v1/embeddings", { model: "nope", input: "x" });
    expect(missing.status).toBe(404);
    expect((await missing.json()).error.code).toBe("model_not_found");
  });

  it("Hugging Face endpoint: feature extraction at the root, TGI /info", async () => {
    const vectors = await (await post("/", { inputs: ["a", "b", "c"] })).json();
    expect(vectors).toHaveLength(3);
    expect((await (await fetch(`${server.url}/info`)).json()).model_id).toBe("Qwen/Qwen2.5-7B-Instruct");
  });

  it("rerankScore is the share of the query's character bigrams found in the document", () => {
    expect(rerankScore("退货政策", "退货政策：七天内可退")).toBe(1);
    expect(rerankScore("退货政策", "本店的退货规定")).toBeCloseTo(1 / 3, 6); // 退货 of 退货 货政 政策
    expect(rerankScore("Vector DB", "a vector db guide")).toBe(1); // case and spaces ignored
    expect(rerankScore("Vector DB", "a vector database")).toBeCloseTo(6 / 7, 6); // no "db"
    expect(rerankScore("退货政策", "年假十五天")).toBe(0);
    expect(rerankScore("", "anything")).toBe(0);
  });

  it("TEI /rerank answers [{ index, score }] best first, ties in input order; return_text adds the text", async () => {
    const texts = ["年假十五天", "退货政策：七天内可退", "本店的退货规定", "另一段无关文字"];
    const response = await post("/rerank", { query: "退货政策", texts, raw_scores: false });
    expect(response.status).toBe(200);
    const ranked = await response.json();
    expect(ranked.map((r: { index: number }) => r.index)).toEqual([1, 2, 0, 3]);
    expect(ranked[0]).toEqual({ index: 1, score: 1 });
    expect(ranked[1].score).toBeCloseTo(1 / 3, 6);
    const withText = await (await post("/rerank", { query: "退货政策", texts, return_text: true })).json();
    expect(withText[0].text).toBe(texts[1]);
    expect((await post("/rerank", { query: "q" })).status).toBe(422);
  });

  it("OpenAI-compatible /v1/rerank answers { results: [{ index, relevance_score, document }] } cut to top_n; unknown models 404", async () => {
    const documents = ["vector search in postgres", "keyword search with BM25", "hybrid vector and keyword search"];
    const body = await (await post("/v1/rerank", { model: "BAAI/bge-reranker-v2-m3", query: "hybrid search", documents, top_n: 2 })).json();
    expect(body.model).toBe("BAAI/bge-reranker-v2-m3");
    expect(body.results).toHaveLength(2);
    expect(body.results[0]).toEqual({ index: 2, document: { text: documents[2] }, relevance_score: rerankScore("hybrid search", documents[2]) });
    expect(body.results[0].relevance_score).toBeGreaterThan(body.results[1].relevance_score);
    const missing = await post("/v1/rerank", { model: "nope", query: "q", documents: ["d"] });
    expect(missing.status).toBe(404);
    expect((await missing.json()).error.code).toBe("model_not_found");
  });

  it("records every request with its body", () => {
    expect(server.requests.find((r) => r.path === "/v1/rerank")?.body).toMatchObject({ model: "BAAI/bge-reranker-v2-m3", query: "hybrid search", top_n: 2 });
    expect(server.requests.find((r) => r.path === "/rerank")?.body).toMatchObject({ query: "退货政策", raw_scores: false });
    expect(server.requests.find((r) => r.path === "/api/embed")?.body).toEqual({ model: "shaw/dmeta-embedding-zh", input: ["a", "b"] });
  });
});
