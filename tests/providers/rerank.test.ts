import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { offlineProvider, ollamaDefaultProvider } from "@/lib/providers";
import { createReranker, RERANK_DEFAULT_MODEL } from "@/lib/providers/rerank";
import type { ProviderConfig } from "@/lib/provider-config";
import { getFreePort, rerankScore, startModelServer, type ModelServer } from "@/tests/support/model-server";
import { rejection } from "./harness";

/** Both rerank wire formats against the real test model server (no mocks). */
let server: ModelServer;
beforeAll(async () => {
  server = await startModelServer({ tokenDelayMs: 0 });
});
afterAll(() => server.close());
beforeEach(() => {
  server.setBehaviour({});
  server.requests.length = 0;
});

const query = "退货政策";
const documents = ["年假十五天", "本店的退货规定", "退货政策：七天内可退", "政策汇编"];
/** What the test server's scorer predicts, best first. */
const expected = documents
  .map((d, index) => ({ index, score: rerankScore(query, d) }))
  .sort((a, b) => b.score - a.score || a.index - b.index);

const formats = [
  { name: "TEI", config: (url: string): ProviderConfig => ({ id: "tei", kind: "huggingface", name: "TEI", baseUrl: url }), path: "/rerank" },
  { name: "OpenAI-compatible", config: (url: string): ProviderConfig => ({ id: "vllm", kind: "openai", name: "vLLM", baseUrl: `${url}/v1` }), path: "/v1/rerank" },
] as const;

describe.each(formats)("$name rerank", (f) => {
  it("returns indices and scores best first, in the order the scorer predicts", async () => {
    const results = await createReranker(f.config(server.url)).rerank(query, documents);
    expect(results).toEqual(expected);
    expect(server.requests.map((r) => r.path)).toEqual([f.path]);
  });

  it("sends the wire format's body, and keeps only topN", async () => {
    const results = await createReranker(f.config(server.url), RERANK_DEFAULT_MODEL).rerank(query, documents, { topN: 2 });
    expect(results).toEqual(expected.slice(0, 2));
    const body = server.requests[0].body;
    if (f.name === "TEI") expect(body).toEqual({ query, texts: documents, raw_scores: false });
    else expect(body).toEqual({ model: RERANK_DEFAULT_MODEL, query, documents, top_n: 2 });
  });

  it("sends the API key as a bearer token", async () => {
    await createReranker({ ...f.config(server.url), apiKey: "sk-rerank" }).rerank(query, documents);
    expect(server.requests[0].headers.authorization).toBe("Bearer sk-rerank");
  });

  it("a closed port is PROVIDER_UNREACHABLE naming the address, in both languages", async () => {
    const port = await getFreePort();
    const error = await rejection(() => createReranker(f.config(`http://127.0.0.1:${port}`)).rerank(query, documents));
    expect(error.code).toBe("PROVIDER_UNREACHABLE");
    expect(error.message).toContain(`127.0.0.1:${port}`);
    expect((error as unknown as { localized: { zh: string } }).localized.zh).toContain("无法连接");
  });

  it("HTTP 500 is PROVIDER_ERROR naming the status, without retries", async () => {
    server.setBehaviour({ fail500: true });
    const error = await rejection(() => createReranker(f.config(server.url)).rerank(query, documents));
    expect(error.code).toBe("PROVIDER_ERROR");
    expect(error.message).toContain("500");
    expect(server.requests).toHaveLength(1);
  });

  it("a server that never answers is PROVIDER_TIMEOUT; the caller's signal cancels", async () => {
    server.setBehaviour({ hang: true });
    const error = await rejection(() => createReranker({ ...f.config(server.url), timeoutMs: 200 }).rerank(query, documents));
    expect(error.code).toBe("PROVIDER_TIMEOUT");
    const controller = new AbortController();
    const pending = rejection(() => createReranker(f.config(server.url)).rerank(query, documents, { signal: controller.signal }));
    await vi.waitFor(() => expect(server.requests).toHaveLength(2));
    controller.abort();
    expect((await pending).code).toBe("CANCELLED");
  });
});

describe("rerank specifics", () => {
  it("TEI: more texts than one batch are sent in batches of 32 and merged with global indices", async () => {
    const many = Array.from({ length: 40 }, (_, i) => (i === 35 ? "退货政策全文" : `其他内容 ${i}`));
    const results = await createReranker(formats[0].config(server.url)).rerank(query, many, { topN: 3 });
    expect(server.requests.map((r) => (r.body as { texts: string[] }).texts.length)).toEqual([32, 8]);
    expect(results[0]).toEqual({ index: 35, score: 1 });
    expect(results).toHaveLength(3);
  });

  it("OpenAI-compatible: an unknown model is MODEL_NOT_FOUND", async () => {
    const error = await rejection(() => createReranker(formats[1].config(server.url), "no-such-reranker").rerank(query, documents));
    expect(error.code).toBe("MODEL_NOT_FOUND");
    expect(error.message).toContain("no-such-reranker");
  });

  it("providers without a rerank endpoint say so clearly", () => {
    for (const config of [offlineProvider, ollamaDefaultProvider(), { id: "hf", kind: "huggingface", name: "HF router", apiKey: "hf_x" } as ProviderConfig]) {
      expect(() => createReranker(config)).toThrow(expect.objectContaining({ code: "provider:no_rerank", status: 400 }));
    }
    expect(() => createReranker(offlineProvider)).toThrow(/offers no rerank/);
  });
});
