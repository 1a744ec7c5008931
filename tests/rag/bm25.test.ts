import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setChunkEnabled } from "@/lib/db/queries/chunks";
import { updateChunkText } from "@/lib/rag/chunk-edit";
import { deleteDocument } from "@/lib/db/queries/documents";
import { searchChunksByKeywords } from "@/lib/rag/keyword-search";
import { getKnowledgeBasesByIds } from "@/lib/db/queries/knowledge-bases";
import type { KnowledgeBase } from "@/lib/db/schema";
import { BM25_K1, bm25Idf, bm25Score, bm25Term, idealScore } from "@/lib/text/bm25";
import { defaultFusionWeights, OFFLINE_VECTOR_WEIGHT } from "@/lib/rag/fusion";
import { ingestDocument } from "@/lib/rag/ingest";
import { documentSubject, indexedChunkText } from "@/lib/text/chunk-context";
import { keywordQuery, keywordTokens } from "@/lib/text/keywords";
import { retrieve } from "@/lib/rag/retrieve";
import { searchKnowledgeBases } from "@/lib/rag/search";
import type { FileStore } from "@/lib/storage/files";
import { forEachDatabase, type TestDatabase } from "../support/db";
import { addText, countingEmbedder, newKb, tempFileStore, WS } from "../jobs/kb-fixtures";

describe("BM25 arithmetic", () => {
  it("weights rare terms more, saturates term frequency and normalises length", () => {
    expect(bm25Idf(1000, 1)).toBeGreaterThan(bm25Idf(1000, 100));
    expect(bm25Idf(1000, 1000)).toBeGreaterThan(0);
    expect(bm25Term(2, 1, 40, 40)).toBeCloseTo(2, 12); // tf 1 at average length = idf
    expect(bm25Term(2, 2, 40, 40)).toBeLessThan(2 * bm25Term(2, 1, 40, 40));
    expect(bm25Term(2, 1, 80, 40)).toBeLessThan(bm25Term(2, 1, 20, 40));
    expect(bm25Term(2, 0, 40, 40)).toBe(0);
  });

  it("normalises by the ideal over the terms the knowledge base has, into 0..1", () => {
    const stats = { chunks: 100, averageLength: 40 };
    expect(idealScore(stats, [3, 0])).toBeCloseTo(bm25Idf(100, 3) * (BM25_K1 + 1), 12);
    // Every known term once at average length: 1 / (k1 + 1).
    expect(bm25Score(stats, [3, 0, 7], [{ k: 0, tf: 1 }, { k: 2, tf: 1 }], 40)).toBeCloseTo(1 / (BM25_K1 + 1), 12);
    expect(bm25Score(stats, [3, 7], [{ k: 0, tf: 50 }, { k: 1, tf: 50 }], 1)).toBeLessThan(1);
    expect(bm25Score(stats, [0, 0], [], 40)).toBe(0);
  });

  it("leads with keywords when every vector comes from the offline hash embedder", () => {
    expect(defaultFusionWeights(["offline-hash-embedder"])).toEqual({ vector: OFFLINE_VECTOR_WEIGHT, keyword: 1 });
    expect(defaultFusionWeights(["offline-hash-embedder", "shaw/dmeta-embedding-zh"])).toEqual({ vector: 1, keyword: 1 });
    expect(defaultFusionWeights(["nomic-embed-text"])).toEqual({ vector: 1, keyword: 1 });
    expect(defaultFusionWeights([])).toEqual({ vector: 1, keyword: 1 });
    // Below 1/60 of the keyword weight: never enough to swap two neighbouring keyword ranks.
    expect(OFFLINE_VECTOR_WEIGHT * (1 / 61 - 1 / 100)).toBeLessThan(1 / 61 - 1 / 62);
  });
});

const ANIMALS = [
  "The red panda lives in the eastern Himalayas and eats bamboo leaves. Red pandas sleep in trees during the day.",
  "Giant pandas also eat bamboo, almost nothing else. A giant panda spends most of the day eating bamboo shoots.",
  "Snow leopards hunt blue sheep on steep slopes. The snow leopard cannot roar.",
  "Yaks carry loads across high passes. Herders drink yak butter tea.",
].join("\n\n");
const HARBOURS = [
  "The harbour master assigns berths to container ships. Pilots guide ships through the channel.",
  "Tugboats push container ships into their berths. A tugboat is small but powerful.",
  "Bamboo scaffolding surrounds the old warehouse by the harbour.",
].join("\n\n");
const CITY = Array.from({ length: 30 }, (_, i) => `Street ${i} has a bamboo garden and a panda mural near bus stop ${i}.`).join("\n\n");

/** A chunk's index tokens: its text under its document's name (lib/text/chunk-context.ts). */
const indexedTokens = (chunk: { text: string; name: string }) => keywordTokens(indexedChunkText(chunk, documentSubject(chunk.name)));

/** BM25 computed from scratch in JavaScript over the knowledge base's visible chunks. */
async function reference(t: TestDatabase, kbId: string, query: string): Promise<Array<{ id: string; score: number }>> {
  const rows = await t.query<{ id: string; text: string; name: string }>(
    `select c.id, c.text, d.name from chunks c join documents d on d.id = c.document_id
     where c.knowledge_base_id = $1 and c.enabled and d.status = 'ready'`,
    [kbId],
  );
  const terms = keywordQuery(query);
  const docs = rows.map((r) => {
    const tokens = indexedTokens(r);
    const tf = new Map<string, number>();
    for (const token of tokens) tf.set(token, (tf.get(token) ?? 0) + 1);
    return { id: r.id, length: tokens.length, tf };
  });
  const stats = { chunks: docs.length, averageLength: docs.reduce((s, d) => s + d.length, 0) / docs.length };
  const dfs = terms.map((term) => docs.filter((d) => d.tf.has(term)).length);
  return docs
    .map((d) => ({
      id: d.id,
      matches: terms.flatMap((term, k) => (d.tf.has(term) ? [{ k, tf: d.tf.get(term) as number }] : [])),
      length: d.length,
    }))
    .filter((d) => d.matches.length > 0)
    .map((d) => ({ id: d.id, score: bm25Score(stats, dfs, d.matches, d.length) }))
    .sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1));
}

forEachDatabase("BM25 keyword search", (t) => {
  let files: FileStore;
  let dispose: () => Promise<void>;
  let kb: KnowledgeBase;
  let other: KnowledgeBase;
  const embedder = countingEmbedder();
  const docs: Record<string, string> = {};
  const keywordHits = async (ids: string[], query: string) =>
    searchChunksByKeywords(t.db, { workspaceId: WS, knowledgeBases: await getKnowledgeBasesByIds(t.db, WS, ids), terms: keywordQuery(query), limit: 50 });
  const expectMatchesReference = async (query: string) => {
    const hits = await keywordHits([kb.id], query);
    const expected = await reference(t, kb.id, query);
    expect(hits.map((h) => h.id)).toEqual(expected.map((e) => e.id));
    hits.forEach((h, i) => expect(h.score).toBeCloseTo(expected[i].score, 9));
    return hits;
  };

  beforeAll(async () => {
    ({ files, dispose } = await tempFileStore());
    kb = await newKb(t.db, "animals", { mode: "general", chunkSize: 60, chunkOverlap: 10, parentSize: 1200 });
    other = await newKb(t.db, "city", { mode: "general", chunkSize: 60, chunkOverlap: 10, parentSize: 1200 });
    for (const [name, text] of [["animals.txt", ANIMALS], ["harbours.txt", HARBOURS]] as const) {
      const doc = await addText(t.db, files, kb.id, name, text);
      await ingestDocument({ db: t.db, files, embedder }, doc.id);
      docs[name] = doc.id;
    }
    const city = await addText(t.db, files, other.id, "city.txt", CITY);
    await ingestDocument({ db: t.db, files, embedder }, city.id);
  });
  afterAll(() => dispose());

  it("stores each chunk's token count as its BM25 length", async () => {
    const rows = await t.query<{ text: string; name: string; keyword_count: number }>(
      "select c.text, d.name, c.keyword_count from chunks c join documents d on d.id = c.document_id where c.knowledge_base_id = $1",
      [kb.id],
    );
    expect(rows.length).toBeGreaterThan(5);
    for (const r of rows) expect(r.keyword_count).toBe(indexedTokens(r).length);
  });

  it("ranks and scores exactly as BM25 over the knowledge base's own chunks", async () => {
    const hits = await expectMatchesReference("Which panda eats bamboo?");
    expect(hits[0].score).toBeGreaterThan(0);
    expect(hits.every((h) => h.score > 0 && h.score < 1 && h.knowledgeBaseId === kb.id)).toBe(true);
  });

  it("keeps per-knowledge-base statistics when several are searched together", async () => {
    const alone = await keywordHits([kb.id], "panda bamboo");
    const together = await keywordHits([kb.id, other.id], "panda bamboo");
    // The city knowledge base has "panda" and "bamboo" in every chunk: summed statistics would
    // lower their idf and change every score of the animals knowledge base.
    const byId = new Map(together.map((h) => [h.id, h.score]));
    for (const h of alone) expect(byId.get(h.id)).toBeCloseTo(h.score, 12);
    // A chunk holding every query term its knowledge base knows scores about 1 / (k1 + 1) in
    // either knowledge base — the normalisation puts both on one 0..1 scale.
    const best = (id: string) => Math.max(...together.filter((h) => h.knowledgeBaseId === id).map((h) => h.score));
    expect(Math.abs(best(kb.id) - best(other.id))).toBeLessThan(0.1);
    expect(together.every((h) => h.score > 0 && h.score < 1)).toBe(true);
    // A knowledge base with none of the query's terms contributes nothing, and costs nothing.
    expect(await keywordHits([kb.id, other.id], "leopard yak")).toEqual(await keywordHits([kb.id], "leopard yak"));
  });

  it("stays exact after a chunk is disabled, edited or deleted with its document", async () => {
    const query = "tugboat container ships berths";
    const [top] = await expectMatchesReference(query);
    await setChunkEnabled(t.db, WS, top.id, false);
    const afterDisable = await expectMatchesReference(query);
    expect(afterDisable.map((h) => h.id)).not.toContain(top.id);

    const [bamboo] = await keywordHits([kb.id], "scaffolding warehouse");
    await updateChunkText(t.db, embedder, WS, bamboo.id, "A tugboat towed the warehouse barge to its berth.");
    const afterEdit = await expectMatchesReference(query);
    expect(afterEdit.map((h) => h.id)).toContain(bamboo.id);
    expect(await keywordHits([kb.id], "scaffolding")).toEqual([]);

    await setChunkEnabled(t.db, WS, top.id, true);
    await expectMatchesReference(query);
    await deleteDocument(t.db, files, WS, docs["harbours.txt"]);
    expect(await keywordHits([kb.id], query)).toEqual([]);
    await expectMatchesReference("bamboo panda leopard");
  });

  it("ignores the chunks of a document still being ingested", async () => {
    const doc = await addText(t.db, files, kb.id, "more-pandas.txt", Array.from({ length: 12 }, (_, i) => `Panda keeper ${i} brings bamboo at dawn.`).join("\n\n"));
    await expect(ingestDocument({ db: t.db, files, embedder: countingEmbedder({ failAfterCalls: 1 }), batchSize: 2, retryTransient: true }, doc.id)).rejects.toThrow();
    const [{ n }] = await t.query<{ n: number }>("select count(*)::int as n from chunks where document_id = $1", [doc.id]);
    expect(n).toBeGreaterThan(0);
    await expectMatchesReference("panda bamboo keeper");
    await ingestDocument({ db: t.db, files, embedder }, doc.id);
    const hits = await expectMatchesReference("panda bamboo keeper");
    expect(hits[0].id).toBeDefined();
  });

  it("applies document filters without changing the statistics", async () => {
    const all = await keywordHits([kb.id], "panda bamboo");
    const animals = await searchChunksByKeywords(t.db, {
      workspaceId: WS,
      knowledgeBases: await getKnowledgeBasesByIds(t.db, WS, [kb.id]),
      terms: keywordQuery("panda bamboo"),
      filter: { documentIds: [docs["animals.txt"]] },
      limit: 50,
    });
    const scores = new Map(all.map((h) => [h.id, h.score]));
    expect(animals.length).toBeGreaterThan(0);
    expect(animals.length).toBeLessThan(all.length);
    for (const h of animals) expect(h.score).toBeCloseTo(scores.get(h.id) as number, 12);
  });

  it("ranks hybrid results like keyword search when the vectors come from the offline embedder", async () => {
    const deps = { db: t.db, embedderFor: () => embedder };
    for (const query of ["Which panda eats bamboo?", "yak butter tea herders", "snow leopard blue sheep"]) {
      const request = { workspaceId: WS, knowledgeBaseIds: [kb.id], query, topK: 5 };
      const hybrid = await retrieve(deps, request);
      const keyword = await retrieve(deps, { ...request, mode: "keyword" as const });
      expect(hybrid.slice(0, keyword.length).map((h) => h.id)).toEqual(keyword.map((h) => h.id));
      expect(hybrid[0].vectorScore).not.toBeNull();
    }
    // Weights set by a person still apply: equal weights let the hash vectors reorder the ranking.
    const equal = await Promise.all(
      ["Which panda eats bamboo?", "yak butter tea herders", "snow leopard blue sheep"].map(async (query) => {
        const request = { workspaceId: WS, knowledgeBaseIds: [kb.id], query, topK: 5 };
        const [a, b] = [await retrieve(deps, { ...request, weights: { vector: 1, keyword: 1 } }), await retrieve(deps, { ...request, mode: "keyword" as const })];
        return a.slice(0, b.length).map((h) => h.id).join() === b.map((h) => h.id).join();
      }),
    );
    expect(equal).toContain(false);
  });

  it("reports the normalised BM25 score as the keyword score of hybrid results", async () => {
    const hits = await searchKnowledgeBases(t.db, { workspaceId: WS, knowledgeBaseIds: [kb.id], query: "snow leopard roar", topK: 3, mode: "keyword" });
    expect(hits[0].text).toMatch(/leopard/i);
    expect(hits[0].keywordScore).toBe(hits[0].fusedScore);
    expect(hits[0].keywordScore).toBeGreaterThan(0);
    expect(hits[0].keywordScore).toBeLessThan(1);
  });
});
