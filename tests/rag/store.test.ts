import { access, realpath } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deleteChunk, listChunks } from "@/lib/db/queries/chunks";
import { createDocument, deleteDocument, displayName, getDocumentById, listDocuments, listPendingDocumentIds } from "@/lib/db/queries/documents";
import {
  createKnowledgeBase,
  deleteKnowledgeBase,
  getKnowledgeBaseById,
  listKnowledgeBases,
  reembedKnowledgeBase,
  updateKnowledgeBase,
} from "@/lib/db/queries/knowledge-bases";
import { ingestDocument } from "@/lib/rag/ingest";
import { createFileStore, resolvedPathOf, type FileStore } from "@/lib/storage/files";
import { forEachDatabase } from "../support/db";
import { addText, countingEmbedder, newKb, tempFileStore, WS } from "../jobs/kb-fixtures";
import { KEYWORD_VERSION } from "@/lib/text/keywords";

describe("file storage (C7: user file names never reach a path)", () => {
  let files: FileStore;
  let dispose: () => Promise<void>;
  beforeAll(async () => ({ files, dispose } = await tempFileStore()));
  afterAll(() => dispose());

  it.each(["../../../../etc/cron.d/x", "..%2f..%2fetc%2fpasswd", "a\u0000b.txt", "x".repeat(300), "C:\\Windows\\system32\\evil.dll"])(
    "stores %j under a server-generated key inside the root",
    async (name) => {
      const key = await files.put(new TextEncoder().encode(`content of ${name.slice(0, 20)}`));
      expect(key).toMatch(/^[0-9a-f-]{36}$/);
      const real = await resolvedPathOf(files, key);
      expect(real.startsWith((await realpath(files.root)) + path.sep)).toBe(true);
      expect(real).toBe(path.join(await realpath(files.root), key.slice(0, 2), key));
      expect(new TextDecoder().decode(await files.get(key))).toContain("content of");
      expect(displayName(name)).not.toContain("\u0000");
      expect(displayName(name).length).toBeLessThanOrEqual(255);
    },
  );

  it("refuses keys that are not its own (no path from the database is trusted)", async () => {
    for (const key of ["../x", "/etc/passwd", "ab/../../c", ""]) expect(() => files.pathOf(key)).toThrow(/storage key/);
    await expect(files.get("0123abcd-0000-4000-8000-000000000000")).rejects.toMatchObject({ code: "storage:not_found" });
  });

  it("deletes files, and deleting twice is fine", async () => {
    const key = await files.put(new Uint8Array([1, 2, 3]));
    await files.delete(key);
    await files.delete(key);
    await expect(access(files.pathOf(key))).rejects.toThrow();
  });

  it("a root given as a relative path resolves to an absolute one", () => {
    expect(path.isAbsolute(createFileStore("data/files").root)).toBe(true);
  });
});

forEachDatabase("knowledge-base storage", (t) => {
  let files: FileStore;
  let dispose: () => Promise<void>;
  beforeAll(async () => ({ files, dispose } = await tempFileStore()));
  afterAll(() => dispose());

  it("creates, lists, renames and scopes knowledge bases by workspace", async () => {
    const kb = await createKnowledgeBase(t.db, WS, { name: "产品手册", embeddingProvider: "offline", embeddingModel: "offline-hash-embedder", keywordVersion: KEYWORD_VERSION });
    expect(kb).toMatchObject({ name: "产品手册", dimension: null, chunking: { mode: "general", chunkSize: 300 }, retrieval: { mode: "hybrid", topK: 5 } });
    const renamed = await updateKnowledgeBase(t.db, WS, kb.id, { name: "Product manual", retrieval: { topK: 8 } });
    expect(renamed).toMatchObject({ name: "Product manual", retrieval: { mode: "hybrid", topK: 8 } });
    expect((await listKnowledgeBases(t.db, WS)).find((k) => k.id === kb.id)).toMatchObject({ documentCount: 0, chunkCount: 0 });
    expect(await getKnowledgeBaseById(t.db, "another-workspace", kb.id)).toBeNull();
    await expect(updateKnowledgeBase(t.db, "another-workspace", kb.id, { name: "x" })).rejects.toMatchObject({ status: 404 });
  });

  it("detects an identical re-upload and stores the bytes once", async () => {
    const kb = await newKb(t.db, "dupes");
    const bytes = new TextEncoder().encode("同一份文件 the same file");
    const first = await createDocument(t.db, files, WS, kb.id, { name: "a.txt", bytes });
    const second = await createDocument(t.db, files, WS, kb.id, { name: "copy of a.txt", bytes });
    expect(first.duplicate).toBe(false);
    expect(second).toMatchObject({ duplicate: true, document: { id: first.document.id, name: "a.txt" } });
    expect(first.document.contentHash).toMatch(/^[0-9a-f]{64}$/);
    expect(await listDocuments(t.db, WS, kb.id)).toHaveLength(1);
    // The same file in another knowledge base is a new document there.
    const other = await newKb(t.db, "other");
    expect((await createDocument(t.db, files, WS, other.id, { name: "a.txt", bytes })).duplicate).toBe(false);
  });

  it("fixes the embedder once documents exist; re-embedding is the explicit way to change it", async () => {
    const kb = await newKb(t.db, "embedder");
    const doc = await addText(t.db, files, kb.id, "a.txt", "第一条 为了科学、有效地组织统计工作，制定本法。 ".repeat(30));
    await ingestDocument({ db: t.db, files, embedder: countingEmbedder() }, doc.id);
    await expect(updateKnowledgeBase(t.db, WS, kb.id, { embeddingModel: "other-model" })).rejects.toMatchObject({ code: "conflict", status: 409 });
    const before = await listChunks(t.db, WS, { knowledgeBaseId: kb.id });

    const queued = await reembedKnowledgeBase(t.db, WS, kb.id, { embeddingModel: "offline-hash-embedder" });
    expect(queued).toEqual([doc.id]);
    expect(await getKnowledgeBaseById(t.db, WS, kb.id)).toMatchObject({ dimension: null });
    expect(await listPendingDocumentIds(t.db)).toContain(doc.id);
    const [{ n }] = await t.query<{ n: number }>("select count(*)::int as n from chunks where knowledge_base_id = $1 and embedding is not null", [kb.id]);
    expect(n).toBe(0);

    const embedder = countingEmbedder();
    const result = await ingestDocument({ db: t.db, files, embedder }, doc.id);
    expect(result).toMatchObject({ status: "ready", embeddedNow: before.total });
    expect(embedder.texts).toBe(before.total);
    const after = await listChunks(t.db, WS, { knowledgeBaseId: kb.id });
    expect(after.items.map((c) => c.id)).toEqual(before.items.map((c) => c.id));
  });

  it("lists chunks with paging and a literal text filter, and deletes one", async () => {
    const kb = await newKb(t.db, "chunks", { mode: "general", chunkSize: 60, chunkOverlap: 0, parentSize: 200 });
    const text = Array.from({ length: 12 }, (_, i) => `第${i + 1}段：库存周转率 ${i % 3 === 0 ? "100%_达标" : "正常"}。`).join("\n\n");
    const doc = await addText(t.db, files, kb.id, "p.txt", text);
    await ingestDocument({ db: t.db, files, embedder: countingEmbedder() }, doc.id);
    const page = await listChunks(t.db, WS, { knowledgeBaseId: kb.id, documentId: doc.id, offset: 1, limit: 2 });
    expect(page.items.map((c) => c.index)).toEqual([1, 2]);
    const filtered = await listChunks(t.db, WS, { knowledgeBaseId: kb.id, search: "100%_" });
    expect(filtered.total).toBeGreaterThan(0);
    expect(filtered.items.every((c) => c.text.includes("100%_"))).toBe(true);
    expect((await listChunks(t.db, WS, { knowledgeBaseId: kb.id, search: "%" })).total).toBe(filtered.total);

    const total = (await getDocumentById(t.db, WS, doc.id))!.chunkCount;
    expect(await deleteChunk(t.db, WS, page.items[0].id)).toBe(true);
    expect((await getDocumentById(t.db, WS, doc.id))!.chunkCount).toBe(total - 1);
    expect(await deleteChunk(t.db, WS, page.items[0].id)).toBe(false);
  });

  it("deleting a document or a knowledge base removes its chunks and stored files", async () => {
    const kb = await newKb(t.db, "cascade");
    const a = await addText(t.db, files, kb.id, "a.txt", "alpha document about warehouses ".repeat(40));
    const b = await addText(t.db, files, kb.id, "b.txt", "beta document about shipping ".repeat(40));
    for (const d of [a, b]) await ingestDocument({ db: t.db, files, embedder: countingEmbedder() }, d.id);
    const version = (await getKnowledgeBaseById(t.db, WS, kb.id))!.contentVersion;

    expect(await deleteDocument(t.db, files, WS, a.id)).toBe(true);
    await expect(access(files.pathOf(a.storageKey))).rejects.toThrow();
    expect(await t.query("select 1 from chunks where document_id = $1", [a.id])).toEqual([]);
    expect((await getKnowledgeBaseById(t.db, WS, kb.id))!.contentVersion).toBeGreaterThan(version);

    expect(await deleteKnowledgeBase(t.db, files, WS, kb.id)).toBe(true);
    await expect(access(files.pathOf(b.storageKey))).rejects.toThrow();
    expect(await t.query("select 1 from chunks where knowledge_base_id = $1", [kb.id])).toEqual([]);
    expect(await t.query("select 1 from documents where knowledge_base_id = $1", [kb.id])).toEqual([]);
    expect(await deleteKnowledgeBase(t.db, files, WS, kb.id)).toBe(false);
  });
});
