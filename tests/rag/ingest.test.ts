import { readFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDocument, getDocumentById } from "@/lib/db/queries/documents";
import { syncAllVectorIndexes } from "@/lib/db/queries/chunk-vectors";
import { ingestDocument } from "@/lib/rag/ingest";
import type { FileStore } from "@/lib/storage/files";
import { forEachDatabase } from "../support/db";
import { addText, countingEmbedder, FIXTURES, newKb, tempFileStore, WS } from "../jobs/kb-fixtures";

forEachDatabase("ingestion", (t) => {
  let files: FileStore;
  let dispose: () => Promise<void>;
  beforeAll(async () => ({ files, dispose } = await tempFileStore()));
  afterAll(() => dispose());

  const chunkRows = (documentId: string) =>
    t.query<{ index: number; dims: number | null; has_vec: boolean; kw: string }>(
      "select index, dims, embedding is not null as has_vec, keywords::text as kw from chunks where document_id = $1 order by index",
      [documentId],
    );

  it.each([
    ["zh/statistics-law-2024-09-13.md", "统计调查"],
    ["en/cc-by-4.0-legalcode.txt", "licens"],
  ])("ingests %s end to end: ready, every chunk once, keywords and vectors stored", async (file, keyword) => {
    const kb = await newKb(t.db, `kb ${file}`);
    const bytes = new Uint8Array(await readFile(path.join(FIXTURES, file)));
    const { document } = await createDocument(t.db, files, WS, kb.id, { name: path.basename(file), bytes });
    const embedder = countingEmbedder();
    const result = await ingestDocument({ db: t.db, files, embedder, batchSize: 16 }, document.id);
    expect(result.status).toBe("ready");
    const doc = await getDocumentById(t.db, WS, document.id);
    expect(doc).toMatchObject({ status: "ready", chunksEmbedded: result.chunkCount, chunkCount: result.chunkCount, progress: 1 });
    expect(result.chunkCount).toBeGreaterThan(5);
    const rows = await chunkRows(document.id);
    expect(rows.map((r) => r.index)).toEqual([...Array(result.chunkCount).keys()]);
    expect(rows.every((r) => r.has_vec)).toBe(true);
    expect(rows.some((r) => r.kw.includes(`'${keyword}`))).toBe(true);
    expect(embedder.texts).toBe(result.chunkCount);
    const [kbRow] = await t.query<{ dimension: number; content_version: number }>("select dimension, content_version from knowledge_bases where id = $1", [kb.id]);
    expect(kbRow.dimension).toBe(512);
    expect(kbRow.content_version).toBeGreaterThan(kb.contentVersion);
    // Chunks wait outside the HNSW index until the queue drains; the sync folds them in.
    await syncAllVectorIndexes(t.db);
    expect((await chunkRows(document.id)).every((r) => r.dims === 512)).toBe(true);
  });

  it("fails a bad file with its code and stores nothing for it, while the others in the batch succeed", async () => {
    const kb = await newKb(t.db, "batch");
    const good = await addText(t.db, files, kb.id, "good.txt", "第一条 为了规范统计工作，制定本法。\n\n第二条 本法适用于各级人民政府。");
    const { document: empty } = await createDocument(t.db, files, WS, kb.id, { name: "empty.txt", bytes: new Uint8Array(0) });
    const { document: binary } = await createDocument(t.db, files, WS, kb.id, { name: "report.pdf", bytes: new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0x3e, 0]) });
    const embedder = countingEmbedder();
    const results = await Promise.all([good.id, empty.id, binary.id].map((id) => ingestDocument({ db: t.db, files, embedder }, id)));
    expect(results.map((r) => r.status)).toEqual(["ready", "failed", "failed"]);
    const failed = await getDocumentById(t.db, WS, empty.id);
    expect(failed?.error?.code).toBe("FILE_EMPTY");
    expect(failed?.error?.message.zh).toMatch(/[\u4e00-\u9fff]/);
    expect((await getDocumentById(t.db, WS, binary.id))?.error?.code).toMatch(/^FILE_/);
    expect(await chunkRows(empty.id)).toEqual([]);
    expect(await chunkRows(binary.id)).toEqual([]);
    expect((await chunkRows(good.id)).length).toBeGreaterThan(0);
  });

  it("resumes an interrupted ingestion without re-embedding stored batches and without duplicates", async () => {
    const kb = await newKb(t.db, "resume", { mode: "general", chunkSize: 100, chunkOverlap: 10, parentSize: 400 });
    const text = Array.from({ length: 60 }, (_, i) => `第${i + 1}条 统计机构依法开展第${i + 1}项统计调查，调查对象应当如实提供资料。`).join("\n\n");
    const doc = await addText(t.db, files, kb.id, "long.txt", text);
    // The embedder "goes down" after 3 batches; the queue retries transient errors.
    const flaky = countingEmbedder({ failAfterCalls: 3 });
    await expect(ingestDocument({ db: t.db, files, embedder: flaky, batchSize: 8, retryTransient: true }, doc.id)).rejects.toThrow(/embedder down/);
    const partial = await getDocumentById(t.db, WS, doc.id);
    expect(partial).toMatchObject({ status: "embedding", chunksEmbedded: 24 });
    expect((await chunkRows(doc.id)).length).toBe(24);

    const healthy = countingEmbedder();
    const result = await ingestDocument({ db: t.db, files, embedder: healthy, batchSize: 8 }, doc.id);
    expect(result.status).toBe("ready");
    expect(healthy.texts).toBe(result.chunkCount - 24);
    const rows = await chunkRows(doc.id);
    expect(rows.map((r) => r.index)).toEqual([...Array(result.chunkCount).keys()]);
  });

  it("an abort leaves the document pending and invisible; without retries a dead embedder fails it", async () => {
    const kb = await newKb(t.db, "abort");
    const doc = await addText(t.db, files, kb.id, "a.txt", "Vector search finds passages by meaning. ".repeat(80));
    const controller = new AbortController();
    controller.abort();
    await expect(ingestDocument({ db: t.db, files, embedder: countingEmbedder(), signal: controller.signal }, doc.id)).rejects.toThrow();
    expect((await getDocumentById(t.db, WS, doc.id))?.status).not.toBe("ready");
    const dead = await ingestDocument({ db: t.db, files, embedder: countingEmbedder({ failAfterCalls: 0 }) }, doc.id);
    expect(dead).toMatchObject({ status: "failed", error: { code: "PROVIDER_UNREACHABLE" } });
  });

  it("refuses vectors of another dimension with a clear error", async () => {
    const kb = await newKb(t.db, "dims");
    const first = await addText(t.db, files, kb.id, "a.txt", "first document text about indexes");
    await ingestDocument({ db: t.db, files, embedder: countingEmbedder() }, first.id);
    const second = await addText(t.db, files, kb.id, "b.txt", "second document text about tables");
    const small = { provider: "offline", model: "offline-hash-embedder", embed: async (texts: string[]) => texts.map(() => [1, 0, 0]) };
    const result = await ingestDocument({ db: t.db, files, embedder: small }, second.id);
    expect(result.error?.code).toBe("EMBEDDING_DIMENSION_MISMATCH");
    expect(result.error?.message.en).toMatch(/3 dimensions.*512/);
  });
});

describe("ingestion module", () => {
  it("exports the handler", () => expect(typeof ingestDocument).toBe("function"));
});
