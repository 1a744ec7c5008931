import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import { syncAllVectorIndexes } from "@/lib/db/queries/chunk-vectors";
import type { KnowledgeBase, RerankSettings } from "@/lib/db/schema";
import { createReranker } from "@/lib/providers/rerank";
import type { ProviderConfig } from "@/lib/provider-config";
import { ingestDocument } from "@/lib/rag/ingest";
import { retrieve, type RetrieveDeps } from "@/lib/rag/retrieve";
import { RetrievalCache } from "@/lib/rag/retrieval-cache";
import { toDocumentChunks } from "@/lib/rag/search";
import type { FileStore } from "@/lib/storage/files";
import { getFreePort, rerankScore, startModelServer, type ModelServer } from "@/tests/support/model-server";
import { addText, countingEmbedder, newKb, tempFileStore, WS } from "../jobs/kb-fixtures";
import { forEachDatabase } from "../support/db";
import { RERANK_PASSAGES as texts, RERANK_QUERY as query } from "../support/rerank-passages";

// Retrieval with a reranker on the real test model server: its bigram scorer predicts the order.
let server: ModelServer;
beforeAll(async () => {
  server = await startModelServer({ tokenDelayMs: 0 });
});
afterAll(() => server.close());

forEachDatabase("retrieval with rerank", (t) => {
  let files: FileStore;
  let dispose: () => Promise<void>;
  let kb: KnowledgeBase;
  let providers: Record<string, ProviderConfig>;
  const embedder = countingEmbedder();
  const deps = (extra: Partial<RetrieveDeps> = {}): RetrieveDeps => ({
    db: t.db,
    embedderFor: () => embedder,
    rerankerFor: (s: RerankSettings) => createReranker(providers[s.provider], s.model),
    ...extra,
  });
  const request = (rerank?: RerankSettings, more: Record<string, unknown> = {}) => ({ workspaceId: WS, knowledgeBaseIds: [kb.id], query, topK: 3, rerank, ...more });

  beforeAll(async () => {
    ({ files, dispose } = await tempFileStore());
    kb = await newKb(t.db, "售后");
    for (const [i, text] of texts.entries()) {
      const doc = await addText(t.db, files, kb.id, `doc-${i}.txt`, text);
      await ingestDocument({ db: t.db, files, embedder }, doc.id);
    }
    await syncAllVectorIndexes(t.db);
  });
  beforeEach(() => {
    providers = {
      vllm: { id: "vllm", kind: "openai", name: "vLLM", baseUrl: `${server.url}/v1` },
      tei: { id: "tei", kind: "huggingface", name: "TEI", baseUrl: server.url },
      offline: { id: "offline", kind: "offline", name: "Offline" },
    };
    server.setBehaviour({});
    server.requests.length = 0;
  });
  afterAll(() => dispose());

  it("a knowledge base that no longer exists fails the search with a message naming it, instead of answering without sources", async () => {
    const gone = "0f1e2d3c-4b5a-4968-8776-655443322110";
    const error = await retrieve(deps(), request(undefined, { knowledgeBaseIds: [kb.id, gone] })).then(
      () => null,
      (e: unknown) => e as { code: string; messageIn(locale: string): string },
    );
    expect(error?.code).toBe("knowledge_base_missing");
    expect(error?.messageIn("zh")).toContain("0f1e2d3c");
    expect(error?.messageIn("en")).toContain("no longer exists");
  });

  // Vector mode: the hash embedder puts the repetitive texts[0] first, the reranker texts[1].
  it.each(["vllm", "tei"])("%s: reranks the candidates in the order the scorer predicts, keeping top-k", async (provider) => {
    const candidates = await retrieve(deps(), request(undefined, { topK: 20, mode: "vector" }));
    expect(candidates.length).toBe(texts.length);
    const predicted = [...candidates]
      .map((c, i) => ({ id: c.id, score: rerankScore(query, c.text), i }))
      .sort((a, b) => b.score - a.score || a.i - b.i)
      .slice(0, 3);

    const hits = await retrieve(deps(), request({ provider, topN: 20 }, { mode: "vector" }));
    expect(hits.map((h) => h.id)).toEqual(predicted.map((p) => p.id));
    // The fixture is built so that search alone orders them differently.
    expect(hits.map((h) => h.id)).not.toEqual(candidates.slice(0, 3).map((c) => c.id));
    expect(hits.map((h) => h.rerankScore)).toEqual(predicted.map((p) => p.score));
    expect(hits[0].text).toBe(texts[1]);
    expect(hits[0].rerankScore).toBe(1);
    expect(hits.map((h) => h.rank)).toEqual([1, 2, 3]);
    // Fused scores stay as search computed them, next to the rerank score.
    for (const h of hits) expect(h.fusedScore).toBe(candidates.find((c) => c.id === h.id)?.fusedScore);
    // The reranker saw every candidate's text, once.
    const sent = server.requests[0].body as { documents?: string[]; texts?: string[] };
    expect((sent.documents ?? sent.texts)?.length).toBe(texts.length);
    expect(server.requests).toHaveLength(1);
    // The documents port carries the rerank score as the passage score.
    expect(toDocumentChunks(hits)[0]).toMatchObject({ score: 1, metadata: { rerankScore: 1 } });
  });

  it("without rerank settings nothing is reranked and rerankScore is null", async () => {
    const hits = await retrieve(deps(), request());
    expect(hits.every((h) => h.rerankScore === null)).toBe(true);
    expect(server.requests).toHaveLength(0);
  });

  it("topN bounds the candidates sent, but never below top-k", async () => {
    await retrieve(deps(), request({ provider: "vllm", topN: 4 }));
    expect((server.requests[0].body as { documents: string[] }).documents).toHaveLength(4);
    await retrieve(deps(), request({ provider: "vllm", topN: 1 }, { topK: 2 }));
    expect((server.requests[1].body as { documents: string[] }).documents).toHaveLength(2);
  });

  it("the score threshold applies to the rerank score", async () => {
    const threshold = rerankScore(query, texts[0]); // 2/3: keeps texts[1] (1), texts[0] and texts[4] (2/3)
    expect(threshold).toBeCloseTo(2 / 3, 5);
    const hits = await retrieve(deps(), request({ provider: "tei" }, { topK: 5, scoreThreshold: threshold }));
    expect(hits[0].text).toBe(texts[1]);
    expect(hits.map((h) => h.text).sort()).toEqual([texts[0], texts[1], texts[4]].sort());
    expect(hits.every((h) => (h.rerankScore ?? 0) >= threshold)).toBe(true);
  });

  it("a reranker that fails fails the retrieval with the provider's clear error (not silently un-reranked)", async () => {
    const port = await getFreePort();
    providers.down = { id: "down", kind: "openai", name: "Down", baseUrl: `http://127.0.0.1:${port}/v1` };
    await expect(retrieve(deps(), request({ provider: "down" }))).rejects.toMatchObject({ code: "PROVIDER_UNREACHABLE", message: expect.stringContaining(`127.0.0.1:${port}`) });
    server.setBehaviour({ fail500: true });
    await expect(retrieve(deps(), request({ provider: "tei" }))).rejects.toMatchObject({ code: "PROVIDER_ERROR" });
    await expect(retrieve(deps(), request({ provider: "offline" }))).rejects.toMatchObject({ code: "provider:no_rerank" });
    await expect(retrieve(deps({ rerankerFor: undefined }), request({ provider: "tei" }))).rejects.toMatchObject({ code: "RERANK_UNAVAILABLE" });
  });

  it("the result cache keys on the rerank settings", async () => {
    const cache = new RetrievalCache(10);
    const d = deps({ retrievalCache: cache });
    const plain = await retrieve(d, request());
    const reranked = await retrieve(d, request({ provider: "vllm" }));
    expect(reranked).not.toBe(plain);
    expect(await retrieve(d, request({ provider: "vllm" }))).toBe(reranked);
    expect(server.requests).toHaveLength(1);
    await retrieve(d, request({ provider: "vllm", topN: 3 }));
    await retrieve(d, request({ provider: "tei" }));
    expect(server.requests.map((r) => r.path)).toEqual(["/v1/rerank", "/v1/rerank", "/rerank"]);
    expect(cache.size).toBe(4);
  });
});
