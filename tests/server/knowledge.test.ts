import { readFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { bumpContentVersion } from "@/lib/db/queries/knowledge-bases";
import type { KnowledgeBase } from "@/lib/db/schema";
import { createDocument } from "@/lib/db/queries/documents";
import { ingestDocument } from "@/lib/rag/ingest";
import { embeddingCache, resolveEmbedderChoice, retrieveBatch, retrieveForRun, retrievalCache } from "@/lib/server/knowledge";
import type { FileStore } from "@/lib/storage/files";
import { forEachDatabase } from "../support/db";
import { createProvider } from "@/lib/db/queries/providers";
import { getFreePort, rerankScore, startModelServer } from "../support/model-server";
import { countingEmbedder, FIXTURES, newKb, tempFileStore, WS } from "../jobs/kb-fixtures";

forEachDatabase("knowledge server glue", (t) => {
  let files: FileStore;
  let dispose: () => Promise<void>;
  let kb: KnowledgeBase;

  beforeAll(async () => {
    // Nothing listens here: "default" must resolve to the offline pair.
    process.env.OLLAMA_BASE_URL = `http://127.0.0.1:${await getFreePort()}`;
    ({ files, dispose } = await tempFileStore());
    kb = await newKb(t.db, "法规");
    for (const file of ["zh/statistics-law-2024-09-13.md", "en/fedramp-working-with-oscal.md"]) {
      const bytes = new Uint8Array(await readFile(path.join(FIXTURES, file)));
      const { document } = await createDocument(t.db, files, WS, kb.id, { name: path.basename(file), bytes });
      await ingestDocument({ db: t.db, files, embedder: countingEmbedder() }, document.id);
    }
  });
  afterAll(async () => dispose?.());

  it("resolves the default embedder to a concrete provider and its embedding model", async () => {
    await expect(resolveEmbedderChoice(t.db, WS, { provider: "default" })).resolves.toEqual({ embeddingProvider: "offline", embeddingModel: "offline-hash-embedder" });
    await expect(resolveEmbedderChoice(t.db, WS, { provider: "ollama-local", model: "bge-m3" })).resolves.toEqual({ embeddingProvider: "ollama-local", embeddingModel: "bge-m3" });
    await expect(resolveEmbedderChoice(t.db, WS, { provider: "no-such-provider" })).rejects.toMatchObject({ code: "provider_not_found", status: 400 });
  });

  it("ctx.retrieve answers a node's request as documents of the right source, scoped to the workspace", async () => {
    const docs = await retrieveForRun(t.db, WS, { knowledgeBaseIds: [kb.id], query: "统计的基本任务是什么？", topK: 3, mode: "hybrid" });
    expect(docs[0].documentName).toBe("statistics-law-2024-09-13.md");
    expect(docs[0].text).toContain("统计的基本任务");
    expect(docs[0].knowledgeBaseId).toBe(kb.id);
    expect(docs[0].metadata).toMatchObject({ rank: 1 });
    // Another workspace sees nothing of this knowledge base: to it, the knowledge base does not exist.
    await expect(retrieveForRun(t.db, "someone-else", { knowledgeBaseIds: [kb.id], query: "统计的基本任务是什么？", topK: 3 })).rejects.toMatchObject({ code: "knowledge_base_missing" });
  });

  it("serves a repeated query from the caches, and stops using them when the knowledge base changes", async () => {
    const request = { knowledgeBaseIds: [kb.id], query: "What formats does FedRAMP accept for OSCAL files?", topK: 2 };
    const first = await retrieveForRun(t.db, WS, request);
    const misses = embeddingCache.misses;
    const cached = retrievalCache.size;
    const again = await retrieveForRun(t.db, WS, request);
    expect(again).toEqual(first);
    expect(retrievalCache.size).toBe(cached);
    expect(embeddingCache.misses).toBe(misses);

    await bumpContentVersion(t.db, kb.id);
    const hits = embeddingCache.hits;
    await retrieveForRun(t.db, WS, request);
    expect(retrievalCache.size).toBe(cached + 1); // a new entry under the new content version
    expect(embeddingCache.hits).toBe(hits + 1); // the query vector itself is still reused
  });

  it("runs a batch of queries in parallel with the knowledge base's defaults and reports the three scores", async () => {
    const fresh = { ...kb, retrieval: { ...kb.retrieval, topK: 2 } };
    const results = await retrieveBatch(t.db, fresh, { queries: ["统计调查", "OSCAL XML JSON conversion"] });
    expect(results.map((r) => r.query)).toEqual(["统计调查", "OSCAL XML JSON conversion"]);
    expect(results.every((r) => r.chunks.length === 2)).toBe(true);
    expect(results[1].chunks[0].documentName).toBe("fedramp-working-with-oscal.md");
    const top = results[1].chunks[0];
    expect(top).toMatchObject({ rank: 1, position: expect.any(Number) });
    expect(top.vectorScore === null || typeof top.vectorScore === "number").toBe(true);
    expect(top.fusedScore).toBeGreaterThan(0);
    const keyword = await retrieveBatch(t.db, kb, { queries: ["OSCAL"], mode: "keyword", topK: 1 });
    expect(keyword[0].chunks[0].vectorScore).toBeNull();
    expect(keyword[0].chunks[0].keywordScore).toBeGreaterThan(0);
  });

  it("reranks through a stored provider: the knowledge base's default, a per-request override, and the node's request", async () => {
    const server = await startModelServer({ tokenDelayMs: 0 });
    try {
      const vllm = await createProvider(t.db, WS, { kind: "openai", name: "vLLM rerank", baseUrl: `${server.url}/v1` });
      const tei = await createProvider(t.db, WS, { kind: "huggingface", name: "TEI", baseUrl: server.url });
      const query = "统计调查项目";
      const reranking = { ...kb, retrieval: { ...kb.retrieval, topK: 3, rerank: { provider: vllm.id, topN: 10 } } };
      const [result] = await retrieveBatch(t.db, reranking, { queries: [query] });
      expect(result.chunks).toHaveLength(3);
      const scores = result.chunks.map((c) => c.rerankScore);
      expect(scores).toEqual(result.chunks.map((c) => rerankScore(query, c.text)));
      expect([...scores].sort((a, b) => (b ?? 0) - (a ?? 0))).toEqual(scores);
      expect(server.requests.map((r) => r.path)).toEqual(["/v1/rerank"]);
      expect((server.requests[0].body as { documents: string[] }).documents).toHaveLength(10);

      const [plain] = await retrieveBatch(t.db, reranking, { queries: [query], rerank: null });
      expect(plain.chunks.every((c) => c.rerankScore === null)).toBe(true);
      const [viaTei] = await retrieveBatch(t.db, reranking, { queries: [query], rerank: { provider: tei.id } });
      expect(viaTei.chunks.map((c) => c.rerankScore)).toEqual(viaTei.chunks.map((c) => rerankScore(query, c.text)));
      expect(server.requests.map((r) => r.path)).toEqual(["/v1/rerank", "/rerank"]);

      const docs = await retrieveForRun(t.db, WS, { knowledgeBaseIds: [kb.id], query, topK: 2, rerank: { provider: vllm.id } });
      expect(docs[0].score).toBe(docs[0].metadata?.rerankScore);
      await expect(retrieveForRun(t.db, WS, { knowledgeBaseIds: [kb.id], query, topK: 2, rerank: { provider: "offline" } })).rejects.toMatchObject({ code: "provider:no_rerank" });
      await expect(retrieveForRun(t.db, WS, { knowledgeBaseIds: [kb.id], query, topK: 2, rerank: { provider: "no-such-provider" } })).rejects.toMatchObject({ code: "provider_not_found" });
    } finally {
      await server.close();
    }
    // The reranker is down: the retrieval fails with the provider's error, not un-reranked results.
    const down = await createProvider(t.db, WS, { kind: "openai", name: "down", baseUrl: `http://127.0.0.1:${await getFreePort()}/v1` });
    await expect(retrieveBatch(t.db, kb, { queries: ["统计调查"], rerank: { provider: down.id } })).rejects.toMatchObject({ code: "PROVIDER_UNREACHABLE" });
  });
});
