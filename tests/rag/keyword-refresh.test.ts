import { sql } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { updateChunkText } from "@/lib/rag/chunk-edit";
import { getKnowledgeBaseById } from "@/lib/db/queries/knowledge-bases";
import { createInProcessQueue } from "@/lib/jobs";
import { ingestDocument } from "@/lib/rag/ingest";
import { refreshKeywordIndex } from "@/lib/rag/keyword-refresh";
import { KEYWORD_VERSION } from "@/lib/text/keywords";
import { searchKnowledgeBases } from "@/lib/rag/search";
import type { FileStore } from "@/lib/storage/files";
import { forEachDatabase } from "../support/db";
import { addText, countingEmbedder, newKb, tempFileStore, WS } from "../jobs/kb-fixtures";

const HANT = "營業時間\n本館的開放時間為週二至週日上午九點到下午五點，週一休館。\n\n入館須知\n館內禁止飲食與吸菸，寵物不得入內。";

forEachDatabase("keyword index refresh after a tokenisation change", (t) => {
  let files: FileStore;
  let dispose: () => Promise<void>;
  const embedder = countingEmbedder();

  beforeAll(async () => {
    ({ files, dispose } = await tempFileStore());
  });
  afterAll(() => dispose());

  /** A knowledge base as an older version left it: keywords without Traditional→Simplified folding. */
  async function oldKnowledgeBase(name: string) {
    const kb = await newKb(t.db, name);
    const doc = await addText(t.db, files, kb.id, "博物館參觀指南.txt", HANT);
    await ingestDocument({ db: t.db, files, embedder }, doc.id);
    await t.db.execute(sql`UPDATE chunks SET keywords = to_tsvector('simple', '營業 時間 開放 週二 休館'), keyword_count = 5 WHERE knowledge_base_id = ${kb.id}`);
    await t.db.execute(sql`UPDATE knowledge_bases SET keyword_version = 0 WHERE id = ${kb.id}`);
    return kb;
  }
  const kbNow = async (id: string) => {
    const kb = await getKnowledgeBaseById(t.db, WS, id);
    if (!kb) throw new Error(`knowledge base ${id} is gone`);
    return kb;
  };
  const keywordHits = (kbId: string, query: string) => searchKnowledgeBases(t.db, { workspaceId: WS, knowledgeBaseIds: [kbId], query, topK: 3, mode: "keyword" });

  it("re-tokenises the stored chunks of knowledge bases made by an older version, without re-embedding", async () => {
    const kb = await oldKnowledgeBase("旧知识库");
    expect(await keywordHits(kb.id, "开放时间")).toEqual([]); // a Simplified query misses the old keywords
    const before = await kbNow(kb.id);
    const embedded = embedder.texts;

    const result = await refreshKeywordIndex(t.db);
    expect(result.knowledgeBases).toBeGreaterThanOrEqual(1);
    expect(result.chunks).toBeGreaterThanOrEqual(1);
    const hits = await keywordHits(kb.id, "开放时间");
    expect(hits[0].text).toContain("本館的開放時間為週二至週日");
    expect((await keywordHits(kb.id, "博物馆")).length).toBeGreaterThan(0); // the document's name is indexed too
    const after = await kbNow(kb.id);
    expect(after.keywordVersion).toBe(KEYWORD_VERSION);
    expect(after.contentVersion).toBeGreaterThan(before.contentVersion); // cached results are dropped
    expect(embedder.texts).toBe(embedded);

    // Current knowledge bases are left alone.
    expect(await refreshKeywordIndex(t.db)).toEqual({ knowledgeBases: 0, chunks: 0 });
  });

  it("uses a person's edits, as stored", async () => {
    const kb = await oldKnowledgeBase("编辑过的旧知识库");
    const [row] = (await t.db.execute<{ id: string }>(sql`SELECT id FROM chunks WHERE knowledge_base_id = ${kb.id} ORDER BY index LIMIT 1`)).rows;
    await updateChunkText(t.db, embedder, WS, row.id, "閉館日：每年農曆除夕與春節初一。");
    await t.db.execute(sql`UPDATE chunks SET keywords = to_tsvector('simple', '舊'), keyword_count = 1 WHERE knowledge_base_id = ${kb.id}`);
    await t.db.execute(sql`UPDATE knowledge_bases SET keyword_version = 0 WHERE id = ${kb.id}`);
    await refreshKeywordIndex(t.db);
    const hits = await keywordHits(kb.id, "农历除夕");
    expect(hits[0].text).toBe("閉館日：每年農曆除夕與春節初一。");
  });

  it("runs when an ingestion worker starts, and the queue is idle only once it is done", async () => {
    const kb = await oldKnowledgeBase("启动时刷新");
    const queue = createInProcessQueue({ db: t.db, files, embedder: () => embedder });
    await queue.startIngestionWorker();
    await queue.idle();
    expect((await kbNow(kb.id)).keywordVersion).toBe(KEYWORD_VERSION);
    expect((await keywordHits(kb.id, "开放时间"))[0].text).toContain("開放時間");
    await queue.stop();
  });
});
