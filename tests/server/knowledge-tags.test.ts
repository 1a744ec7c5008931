import { readFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDocument, getDocumentById, updateDocumentTags } from "@/lib/db/queries/documents";
import type { KnowledgeBase } from "@/lib/db/schema";
import { documentTagsSchema, splitTags, tagsOf } from "@/lib/document-tags";
import { ingestDocument } from "@/lib/rag/ingest";
import { activeFilter, retrieveBatch, retrieveForRun } from "@/lib/server/knowledge";
import { tagsField } from "@/lib/server/knowledge-upload";
import type { FileStore } from "@/lib/storage/files";
import { forEachDatabase } from "../support/db";
import { getFreePort } from "../support/model-server";
import { countingEmbedder, FIXTURES, newKb, tempFileStore, WS } from "../jobs/kb-fixtures";

const LAW = "statistics-law-2024-09-13.md";
const GUIDE = "fedramp-working-with-oscal.md";

describe("document tags: what a person may type", () => {
  it("trims, drops duplicates and keeps Chinese tags", () => {
    expect(documentTagsSchema.parse([" 合同 ", "2024", "合同", "人事"])).toEqual(["合同", "2024", "人事"]);
  });

  it.each([
    ["an empty tag", ["  "]],
    ["a tag over 40 characters", ["法".repeat(41)]],
    ["more than 20 distinct tags", Array.from({ length: 21 }, (_, i) => `标签${i}`)],
    ["a control character", ["a\u0007b"]],
    ["something not a list", "合同"],
  ])("refuses %s", (_name, tags) => {
    expect(documentTagsSchema.safeParse(tags).success).toBe(false);
  });

  it("accepts 20 distinct tags even when duplicates make the list longer", () => {
    const twenty = Array.from({ length: 20 }, (_, i) => `t${i}`);
    expect(documentTagsSchema.parse([...twenty, ...twenty])).toEqual(twenty);
  });

  it("reads the upload's tags field as a JSON array or as names separated by half- or full-width commas", () => {
    const form = (value?: string) => {
      const f = new FormData();
      if (value !== undefined) f.append("tags", value);
      return f;
    };
    expect(tagsField(form())).toEqual([]);
    expect(tagsField(form("  "))).toEqual([]);
    expect(tagsField(form("合同, 2024，人事,合同"))).toEqual(["合同", "2024", "人事"]);
    expect(tagsField(form('["a,b", " c "]'))).toEqual(["a,b", "c"]);
    expect(splitTags("x,,y")).toEqual(["x", "y"]);
    expect(() => tagsField(form(`${"长".repeat(41)}`))).toThrow(expect.objectContaining({ code: "invalid_tags", status: 400 }));
    expect(() => tagsField(form("[oops"))).toThrow(expect.objectContaining({ code: "invalid_tags" }));
    const file = new FormData();
    file.append("tags", new Blob(["合同"]), "tags.txt");
    expect(() => tagsField(file)).toThrow(expect.objectContaining({ code: "invalid_tags" }));
  });

  it("lists a knowledge base's tags once each, in order of first use", () => {
    expect(tagsOf([{ tags: ["法规"] }, { tags: [] }, { tags: ["指南", "法规"] }])).toEqual(["法规", "指南"]);
  });

  it("drops a filter that restricts nothing, keeps one that matches no document", () => {
    expect(activeFilter(undefined)).toBeUndefined();
    expect(activeFilter({ tags: [] })).toBeUndefined();
    expect(activeFilter({ tags: ["a", "a"] })).toEqual({ tags: ["a"] });
    expect(activeFilter({ documentIds: [] })).toEqual({ documentIds: [] });
  });
});

forEachDatabase("retrieval filtered by document tags", (t) => {
  let files: FileStore;
  let dispose: () => Promise<void>;
  let kb: KnowledgeBase;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    process.env.OLLAMA_BASE_URL = `http://127.0.0.1:${await getFreePort()}`;
    ({ files, dispose } = await tempFileStore());
    kb = await newKb(t.db, "标签");
    const tagged: Array<[string, string[]]> = [
      [`zh/${LAW}`, ["法规"]],
      [`en/${GUIDE}`, ["指南", "english"]],
    ];
    for (const [file, tags] of tagged) {
      const bytes = new Uint8Array(await readFile(path.join(FIXTURES, file)));
      const { document } = await createDocument(t.db, files, WS, kb.id, { name: path.basename(file), bytes, tags });
      await ingestDocument({ db: t.db, files, embedder: countingEmbedder() }, document.id);
      ids[path.basename(file)] = document.id;
    }
  });
  afterAll(async () => dispose?.());

  const names = (chunks: Array<{ documentName: string }>) => [...new Set(chunks.map((c) => c.documentName))];

  it("without a filter a Chinese question finds the law first; a tag filter keeps only the tagged document's chunks", async () => {
    const [open] = await retrieveBatch(t.db, kb, { queries: ["统计的基本任务是什么？"], topK: 8 });
    expect(open.chunks[0].documentName).toBe(LAW);

    const [guideOnly] = await retrieveBatch(t.db, kb, { queries: ["统计的基本任务是什么？"], topK: 8, filter: { tags: ["指南"] } });
    expect(guideOnly.chunks.length).toBeGreaterThan(0);
    expect(names(guideOnly.chunks)).toEqual([GUIDE]);

    // Any of the tags (no document carries both): every document stays eligible, as without a filter.
    const [either] = await retrieveBatch(t.db, kb, { queries: ["统计的基本任务是什么？"], topK: 8, filter: { tags: ["法规", "english"] } });
    expect(either.chunks.map((c) => c.id)).toEqual(open.chunks.map((c) => c.id));

    const [none] = await retrieveBatch(t.db, kb, { queries: ["统计的基本任务是什么？"], topK: 8, filter: { tags: ["无此标签"] } });
    expect(none.chunks).toEqual([]);
  });

  it("combines a tag filter with a document filter, and filters keyword-only search too", async () => {
    const [both] = await retrieveBatch(t.db, kb, { queries: ["OSCAL"], topK: 5, filter: { tags: ["法规", "指南"], documentIds: [ids[LAW]] } });
    expect(both.chunks.length).toBeGreaterThan(0);
    expect(names(both.chunks)).toEqual([LAW]);
    const [keyword] = await retrieveBatch(t.db, kb, { queries: ["OSCAL"], topK: 5, mode: "keyword", filter: { tags: ["法规"] } });
    expect(keyword.chunks.every((c) => c.documentName === LAW)).toBe(true);
    const [unfiltered] = await retrieveBatch(t.db, kb, { queries: ["OSCAL"], topK: 5, mode: "keyword" });
    expect(unfiltered.chunks[0].documentName).toBe(GUIDE);
  });

  it("ctx.retrieve passes the retriever node's tags to the search", async () => {
    const docs = await retrieveForRun(t.db, WS, { knowledgeBaseIds: [kb.id], query: "What formats does FedRAMP accept for OSCAL files?", topK: 4, filter: { tags: ["法规"] } });
    expect(docs.length).toBeGreaterThan(0);
    expect(names(docs.map((d) => ({ documentName: d.documentName ?? "" })))).toEqual([LAW]);
  });

  it("a tag change is seen by the very next identical query (cached results are keyed on the content version)", async () => {
    const request = { knowledgeBaseIds: [kb.id], query: "统计调查", topK: 4, filter: { tags: ["新标签"] } };
    await expect(retrieveForRun(t.db, WS, request)).resolves.toEqual([]);
    const before = (await t.query<{ content_version: number }>("SELECT content_version FROM knowledge_bases WHERE id = $1", [kb.id]))[0].content_version;
    await updateDocumentTags(t.db, WS, ids[LAW], ["法规", "新标签"]);
    const after = (await t.query<{ content_version: number }>("SELECT content_version FROM knowledge_bases WHERE id = $1", [kb.id]))[0].content_version;
    expect(Number(after)).toBeGreaterThan(Number(before));
    expect((await getDocumentById(t.db, WS, ids[LAW]))?.tags).toEqual(["法规", "新标签"]);
    const now = await retrieveForRun(t.db, WS, request);
    expect(now.length).toBeGreaterThan(0);
    expect(names(now.map((d) => ({ documentName: d.documentName ?? "" })))).toEqual([LAW]);
  });
});
