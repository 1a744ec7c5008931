import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listChunks } from "@/lib/db/queries/chunks";
import { updateChunkText } from "@/lib/rag/chunk-edit";
import { reembedKnowledgeBase } from "@/lib/db/queries/knowledge-bases";
import type { KnowledgeBase } from "@/lib/db/schema";
import { hashEmbed } from "@/lib/providers";
import { createOfflineEmbedder } from "@/lib/providers/offline";
import { documentSubject, indexedChunkText } from "@/lib/text/chunk-context";
import { ingestDocument } from "@/lib/rag/ingest";
import { keywordTokens } from "@/lib/text/keywords";
import { searchKnowledgeBases } from "@/lib/rag/search";
import type { FileStore } from "@/lib/storage/files";
import { forEachDatabase } from "../support/db";
import { addText, newKb, tempFileStore, WS } from "../jobs/kb-fixtures";

describe("documentSubject / indexedChunkText", () => {
  it("takes the document name without its extension, underscores as spaces", () => {
    expect(documentSubject("2024_年度报告.pdf")).toBe("2024 年度报告");
    expect(documentSubject("Beyoncé.txt")).toBe("Beyoncé");
    expect(documentSubject("v1.2 release notes.MD")).toBe("v1.2 release notes");
    expect(documentSubject("no-extension")).toBe("no-extension");
    expect(Array.from(documentSubject(`${"很长的文件名".repeat(40)}.pdf`))).toHaveLength(80);
  });

  it("puts the subject and a heading that says more above the chunk", () => {
    expect(indexedChunkText({ text: "又名猢狲树。" }, "猴面包树")).toBe("猴面包树\n又名猢狲树。");
    expect(indexedChunkText({ text: "退款须在七日内申请。", heading: "退款政策" }, "售后手册")).toBe("售后手册\n退款政策\n退款须在七日内申请。");
    // A heading the chunk already starts with, or equal to the subject, is not repeated.
    expect(indexedChunkText({ text: "退款政策\n退款须在七日内申请。", heading: "退款政策" }, "售后手册")).toBe("售后手册\n退款政策\n退款须在七日内申请。");
    expect(indexedChunkText({ text: "正文", heading: "售后手册" }, "售后手册")).toBe("售后手册\n正文");
    expect(indexedChunkText({ text: "正文" }, "")).toBe("正文");
  });
});

// Two articles whose "other names" paragraph never names its subject: only the document's name
// tells them apart.
const durian = [
  "榴莲是锦葵科榴莲属的热带常绿乔木，原产于东南亚的马来半岛和婆罗洲一带，如今在泰国、马来西亚、印度尼西亚和菲律宾都有大面积栽培。树高可达二十五米到五十米，叶片呈长圆形，顶端渐尖，背面覆盖着金色或红褐色的鳞片。花朵在傍晚开放，主要依靠蝙蝠传粉，整个花期只有短短几天。",
  "民间给它起过许多别名，例如麝香猫果、金枕头和韶子，这些称呼大多来自果实浓烈的气味、金黄的果肉和它在各地的方言叫法。在一些地区，人们还把它称为水果之王，与被称为水果之后的山竹相提并论，节日里常常把两者一起作为贵重的礼物送给亲友。",
  "果实呈球形或椭圆形，外壳坚硬并长满尖刺，成熟后会自然裂开。果肉软糯香甜，含有丰富的糖分、脂肪和维生素，可以直接食用，也可以做成糕点、冰淇淋和糖果。种子煮熟或烤熟后同样可以食用，而树干的木材质地较轻，偶尔被用来制作家具和建造房屋。",
].join("\n\n");
const baobab = [
  "这种大型落叶乔木原产于热带非洲的稀树草原，树干极为粗壮，直径可达十米以上，树冠宽大而稀疏，旱季落叶，雨季长出新叶。树干内部的木质疏松，能够储存大量水分，帮助植株度过漫长的旱季，当地居民有时会在干旱时节切开树皮取水饮用，游客也常常专程前来观赏。",
  "民间给它起过许多别名，例如猢狲树、酸瓠树、旅人树和死老鼠树，这些称呼大多来自果实的味道、干燥后的外形以及旅行者在树下歇脚取水的传说。各地的叫法并不统一，同一个村庄里的老人和孩子有时也会用不同的名字来称呼它，外地人往往要听好几遍才能明白。",
].join("\n\n");

forEachDatabase("chunks indexed under their document's name", (t) => {
  let files: FileStore;
  let dispose: () => Promise<void>;
  let kb: KnowledgeBase;
  const embedder = createOfflineEmbedder();
  const search = (query: string) => searchKnowledgeBases(t.db, { workspaceId: WS, knowledgeBaseIds: [kb.id], query, queryEmbedding: hashEmbed(query), topK: 3 });

  beforeAll(async () => {
    ({ files, dispose } = await tempFileStore());
    // One paragraph per chunk (each is 120–140 characters).
    kb = await newKb(t.db, "水果", { mode: "general", chunkSize: 150, chunkOverlap: 20, parentSize: 1200 });
    for (const [name, text] of [["榴莲.txt", durian], ["猴面包树.txt", baobab]]) {
      const doc = await addText(t.db, files, kb.id, name, text);
      await ingestDocument({ db: t.db, files, embedder }, doc.id);
    }
  });
  afterAll(() => dispose());

  it("finds the paragraph that answers a question naming the document's subject, though the paragraph never names it", async () => {
    const hits = await search("榴莲的别名有哪些？");
    expect(hits[0].documentName).toBe("榴莲.txt");
    expect(hits[0].text).toContain("麝香猫果");
    const other = await search("猴面包树还有什么别名");
    expect(other[0].documentName).toBe("猴面包树.txt");
    expect(other[0].text).toContain("猢狲树");
  });

  it("shows and cites the document's text only: the name is in the index, not in the chunk", async () => {
    const { items } = await listChunks(t.db, WS, { knowledgeBaseId: kb.id });
    expect(items.length).toBe(5);
    expect(items.every((c) => !c.text.startsWith("榴莲\n") && !c.text.startsWith("猴面包树\n"))).toBe(true);
    const hits = await search("榴莲的别名有哪些？");
    expect(hits[0].text.startsWith("民间给它起过许多别名")).toBe(true);
  });

  it("keeps the name in the index when a person edits a chunk", async () => {
    const [baobabAlias] = await search("猴面包树还有什么别名");
    const [durianAlias] = await search("榴莲的别名有哪些？");
    await updateChunkText(t.db, embedder, WS, baobabAlias.id, "民间俗称猢狲树。");
    // The other article's edit says 俗称 twice: without the names, it would rank first.
    await updateChunkText(t.db, embedder, WS, durianAlias.id, "俗称麝香猫果，也有人俗称金枕头。");
    const hits = await search("猴面包树的俗称");
    expect(hits[0].id).toBe(baobabAlias.id);
    expect(hits[0].text).toBe("民间俗称猢狲树。");
  });

  it("brings chunks indexed before document names existed up to date when the knowledge base is re-embedded", async () => {
    const old = await newKb(t.db, "水果（旧索引）", { mode: "general", chunkSize: 150, chunkOverlap: 20, parentSize: 1200 });
    for (const [name, text] of [["榴莲.txt", durian], ["猴面包树.txt", baobab]]) {
      const doc = await addText(t.db, files, old.id, name, text);
      await ingestDocument({ db: t.db, files, embedder }, doc.id);
    }
    // What the stored keywords alone find: the built-in reranker, which reads the document's
    // name itself, would put the alias chunk first even over the old index.
    const searchOld = (query: string) =>
      searchKnowledgeBases(t.db, { workspaceId: WS, knowledgeBaseIds: [old.id], query, queryEmbedding: hashEmbed(query), topK: 3, lexicalRerank: false });
    // As an older version stored them: keywords of the chunk text alone.
    const { items } = await listChunks(t.db, WS, { knowledgeBaseId: old.id });
    for (const chunk of items) {
      const tokens = keywordTokens(chunk.text);
      await t.query("update chunks set keywords = to_tsvector('simple', $1), keyword_count = $2 where id = $3", [tokens.join(" "), tokens.length, chunk.id]);
    }
    expect((await searchOld("榴莲的别名有哪些？"))[0].text).not.toContain("别名");
    const ids = await reembedKnowledgeBase(t.db, WS, old.id);
    for (const id of ids) await ingestDocument({ db: t.db, files, embedder }, id);
    const hits = await searchOld("榴莲的别名有哪些？");
    expect(hits[0].documentName).toBe("榴莲.txt");
    expect(hits[0].text).toContain("别名");
  });
});
