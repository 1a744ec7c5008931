import { readFile } from "node:fs/promises";
import path from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { syncAllVectorIndexes } from "@/lib/db/queries/chunk-vectors";
import { setChunkEnabled } from "@/lib/db/queries/chunks";
import { updateChunkText } from "@/lib/rag/chunk-edit";
import { createDocument } from "@/lib/db/queries/documents";
import type { KnowledgeBase } from "@/lib/db/schema";
import { hashEmbed } from "@/lib/providers";
import { EmbeddingCache } from "@/lib/rag/embed-cache";
import { ingestDocument } from "@/lib/rag/ingest";
import { retrieve } from "@/lib/rag/retrieve";
import { RetrievalCache } from "@/lib/rag/retrieval-cache";
import { vectorCandidatesSql } from "@/lib/db/queries/chunk-search";
import { searchKnowledgeBases, type SearchRequest } from "@/lib/rag/search";
import type { FileStore } from "@/lib/storage/files";
import { forEachDatabase } from "../support/db";
import { addText, countingEmbedder, FIXTURES, newKb, tempFileStore, WS } from "../jobs/kb-fixtures";

forEachDatabase("hybrid retrieval", (t) => {
  let files: FileStore;
  let dispose: () => Promise<void>;
  let law: KnowledgeBase;
  let license: KnowledgeBase;
  let hant: KnowledgeBase;
  const docs: Record<string, string> = {};
  const embedder = countingEmbedder();
  const search = (request: Partial<SearchRequest> & { query: string }) =>
    searchKnowledgeBases(t.db, { workspaceId: WS, knowledgeBaseIds: [law.id], topK: 5, queryEmbedding: hashEmbed(request.query), ...request });

  beforeAll(async () => {
    ({ files, dispose } = await tempFileStore());
    law = await newKb(t.db, "法律");
    license = await newKb(t.db, "licenses");
    hant = await newKb(t.db, "繁體");
    const load = async (kb: KnowledgeBase, file: string, tags: string[]) => {
      const bytes = new Uint8Array(await readFile(path.join(FIXTURES, file)));
      const { document } = await createDocument(t.db, files, WS, kb.id, { name: path.basename(file), bytes, tags });
      await ingestDocument({ db: t.db, files, embedder }, document.id);
      docs[file] = document.id;
    };
    await load(law, "zh/statistics-law-2024-09-13.md", ["law", "zh"]);
    await load(law, "zh/chinese-copywriting-guidelines.zh-Hans.md", ["guide", "zh"]);
    await load(license, "en/cc-by-4.0-legalcode.txt", ["license", "en"]);
    await load(hant, "zh/chinese-copywriting-guidelines.zh-Hant.md", ["guide", "zh-Hant"]);
    await syncAllVectorIndexes(t.db);
  });
  afterAll(() => dispose());

  it("ranks the right chunk first for a Chinese query (hybrid), with document name and position", async () => {
    const hits = await search({ query: "统计人员对知悉的商业秘密和个人隐私应当保密吗？" });
    expect(hits[0].text).toContain("第十一条");
    expect(hits[0]).toMatchObject({ documentName: "statistics-law-2024-09-13.md", rank: 1, knowledgeBaseId: law.id });
    expect(hits[0].vectorScore).toBeGreaterThan(0);
    expect(hits[0].keywordScore).toBeGreaterThan(0);
    expect(hits[0].fusedScore).toBeGreaterThan(hits[1].fusedScore);
    expect(hits[0].fusedScore).toBeLessThanOrEqual(1);
    expect(hits[0].start).toBeGreaterThan(0);
  });

  it("ranks the right chunk first for an English query", async () => {
    const hits = await search({ knowledgeBaseIds: [license.id], query: "database rights other than copyright resulting from Directive 96/9/EC" });
    expect(hits[0].text).toMatch(/Sui Generis Database Rights means/);
  });

  it("finds Traditional Chinese text with a Simplified query, and Simplified text with a Traditional one", async () => {
    const toHant = await search({ knowledgeBaseIds: [hant.id], query: "光纤宽频", mode: "keyword", queryEmbedding: undefined });
    expect(toHant[0].text).toContain("我家的光纖入屋寬頻有 10 Gbps");
    // Every word of these queries is written differently in the other script.
    const toHans = await search({ query: "統計資料應當及時公開", mode: "keyword", queryEmbedding: undefined });
    expect(toHans[0].text).toContain("第二十九条");
  });

  it("vector-only and keyword-only modes use one retriever each, and score on its scale", async () => {
    const vectorHits = await search({ query: "统计调查取得的统计资料应当及时公开，供社会公众查询", mode: "vector" });
    expect(vectorHits[0].text).toContain("第二十九条");
    expect(vectorHits.every((h) => h.keywordScore === null && h.fusedScore === h.vectorScore)).toBe(true);
    const keywordHits = await search({ query: "及时公开，供社会公众查询", mode: "keyword", queryEmbedding: undefined });
    expect(keywordHits[0].text).toContain("第二十九条");
    expect(keywordHits.every((h) => h.vectorScore === null && h.fusedScore === h.keywordScore)).toBe(true);
  });

  it("filters by document and by tag", async () => {
    const guideId = docs["zh/chinese-copywriting-guidelines.zh-Hans.md"];
    const byDoc = await search({ query: "统计", filter: { documentIds: [guideId] } });
    expect(byDoc.length).toBeGreaterThan(0);
    expect(byDoc.every((h) => h.documentId === guideId)).toBe(true);
    const byTag = await search({ query: "中文 英文 空格", filter: { tags: ["law"] } });
    expect(byTag.every((h) => h.documentName === "statistics-law-2024-09-13.md")).toBe(true);
    expect(await search({ query: "统计", filter: { documentIds: [] } })).toEqual([]);
  });

  it("searches several knowledge bases in one query", async () => {
    // Half the question is about each knowledge base; its Chinese half matches the law's chunks
    // more strongly, so the licence's best chunk is the 11th.
    const hits = await search({ knowledgeBaseIds: [law.id, license.id], query: "统计调查 Licensed Material", topK: 20 });
    expect(new Set(hits.map((h) => h.knowledgeBaseId))).toEqual(new Set([law.id, license.id]));
  });

  it("never shows a half-ingested document", async () => {
    const doc = await addText(t.db, files, law.id, "half.txt", Array.from({ length: 40 }, (_, i) => `斑马鱼养殖第${i}项规定：水温保持在二十八度。`).join("\n\n"));
    await expect(ingestDocument({ db: t.db, files, embedder: countingEmbedder({ failAfterCalls: 2 }), batchSize: 1, retryTransient: true }, doc.id)).rejects.toThrow();
    const [{ n }] = await t.query<{ n: number }>("select count(*)::int as n from chunks where document_id = $1", [doc.id]);
    expect(n).toBeGreaterThan(0);
    expect((await search({ query: "斑马鱼养殖规定" })).some((h) => h.documentId === doc.id)).toBe(false);
    await ingestDocument({ db: t.db, files, embedder, batchSize: 4 }, doc.id);
    expect((await search({ query: "斑马鱼养殖规定" }))[0].documentId).toBe(doc.id);
  });

  it("hides disabled chunks and finds an edited chunk by its new words", async () => {
    const [top] = await search({ query: "统计人员对知悉的商业秘密和个人隐私应当保密吗？" });
    await setChunkEnabled(t.db, WS, top.id, false);
    expect((await search({ query: "统计人员对知悉的商业秘密和个人隐私应当保密吗？" })).map((h) => h.id)).not.toContain(top.id);
    await setChunkEnabled(t.db, WS, top.id, true);

    const [other] = await search({ query: "统计资料应当及时公开，供社会公众查询" });
    await updateChunkText(t.db, embedder, WS, other.id, "熊猫饲养员每天给大熊猫准备新鲜竹子。");
    const vectorOnly = await search({ query: "大熊猫 竹子", mode: "vector" });
    expect(vectorOnly[0].id).toBe(other.id);
    expect((await search({ query: "大熊猫 竹子", mode: "keyword" }))[0].id).toBe(other.id);
  });

  it("puts first the chunk that answers, not the one that repeats the question's words (built-in reranker)", async () => {
    const kb = await newKb(t.db, "Chopin", { mode: "general", chunkSize: 160, chunkOverlap: 0, parentSize: 1200 });
    const text = [
      "Warsaw and Vienna were the cities of his youth. Chopin loved Warsaw, Chopin loved Vienna, and he would not leave Warsaw or Vienna out of his letters.",
      "On 2 November 1830 Chopin left Warsaw for Vienna, with no clearly defined aim, and he never came back.",
      "In Paris he gave few public concerts and taught the piano to pupils from the aristocracy.",
    ].join("\n\n");
    const doc = await addText(t.db, files, kb.id, "Frédéric Chopin.txt", text);
    await ingestDocument({ db: t.db, files, embedder }, doc.id);
    const query = "When did Chopin leave Warsaw for Vienna?";
    const ask = (request: Partial<SearchRequest>) => search({ knowledgeBaseIds: [kb.id], query, ...request });
    // Keyword search alone ranks the chunk that says the names most often first…
    const unranked = await ask({ lexicalRerank: false });
    expect(unranked[0].text).toMatch(/^Warsaw and Vienna/);
    expect(unranked.every((h) => h.searchRank === null)).toBe(true);
    // …the reranker reads the sentence that holds them with a date, in hybrid and keyword mode.
    for (const hits of [await ask({}), await ask({ mode: "keyword", queryEmbedding: undefined })]) {
      expect(hits[0].text).toContain("2 November 1830");
      expect(hits.map((h) => h.rank)).toEqual(hits.map((_, i) => i + 1));
      // Where search alone had put it, for the retrieval test page to show.
      expect(hits[0].searchRank).toBe(unranked.findIndex((h) => h.text.includes("2 November 1830")) + 1);
    }
    // With a real embedding model's weights the fused order stands (the features read BM25's).
    const vectorLed = await ask({ weights: { vector: 1, keyword: 1 } });
    expect(vectorLed.map((h) => h.fusedScore)).toEqual([...vectorLed.map((h) => h.fusedScore)].sort((a, b) => b - a));
  });

  it("applies the score threshold to the fused 0..1 scale", async () => {
    const all = await search({ query: "统计调查项目的审批", topK: 10 });
    expect(all.length).toBe(10);
    const cut = all[4].fusedScore;
    const kept = await search({ query: "统计调查项目的审批", topK: 10, scoreThreshold: cut });
    expect(kept.length).toBeGreaterThanOrEqual(5);
    expect(kept.every((h) => h.fusedScore >= cut)).toBe(true);
    expect(await search({ query: "统计调查项目的审批", scoreThreshold: 1.01 })).toEqual([]);
  });

  it("caches query embeddings and results until the content version changes", async () => {
    const counting = countingEmbedder();
    const deps = { db: t.db, embedderFor: () => counting, embeddingCache: new EmbeddingCache(10), retrievalCache: new RetrievalCache(10) };
    const request = { workspaceId: WS, knowledgeBaseIds: [law.id], query: "统计机构 国家秘密 保密", topK: 3 };
    const first = await retrieve(deps, request);
    const again = await retrieve(deps, request);
    expect(again).toBe(first);
    expect(counting.calls).toBe(1);
    await setChunkEnabled(t.db, WS, first[0].id, false);
    const after = await retrieve(deps, request);
    expect(after.map((h) => h.id)).not.toContain(first[0].id);
    expect(counting.calls).toBe(1); // the query vector came from the embedding cache
    await setChunkEnabled(t.db, WS, first[0].id, true);
  });

  it("plans the vector query on the dimension's HNSW index", async () => {
    // Enough indexed rows that a sequential scan is not the cheaper plan (loaded, then indexed).
    await t.query(`insert into chunks (knowledge_base_id, document_id, workspace_id, index, text, start, keywords, embedding)
      select $1, $2, $3, 100000 + g, 'filler ' || g, 0, to_tsvector('simple', 'filler'),
        (select ('[' || string_agg((sin(g * 7 + i))::text, ',') || ']') from generate_series(1, 512) i)::vector
      from generate_series(1, 6000) g`, [law.id, docs["zh/chinese-copywriting-guidelines.zh-Hans.md"], WS]);
    const sync = await syncAllVectorIndexes(t.db);
    expect(sync).toHaveLength(1);
    expect(sync[0]).toMatchObject({ dimension: 512, rebuilt: true });
    expect(sync[0].folded).toBeGreaterThanOrEqual(6000);
    await t.query("analyze chunks");
    const indexedKb = { ...law, dimension: 512 };
    const statement = vectorCandidatesSql({ workspaceId: WS }, [indexedKb], hashEmbed("统计"), 40);
    const plan = await t.db.transaction(async (tx) => {
      await tx.execute(sql`SELECT set_config('hnsw.iterative_scan', 'relaxed_order', true)`);
      return (await tx.execute<{ "QUERY PLAN": string }>(sql`EXPLAIN ${statement}`)).rows.map((r) => r["QUERY PLAN"]).join("\n");
    });
    console.info(`[${t.driver}] vector query plan:\n${plan}`);
    expect(plan).toMatch(/Index Scan using chunks_embedding_hnsw_512/);
    await t.query("delete from chunks where index >= 100000");
  }, 180_000);
});
