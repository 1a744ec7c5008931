import { afterAll, beforeAll, expect, it } from "vitest";
import { syncAllVectorIndexes } from "@/lib/db/queries/chunk-vectors";
import { createKnowledgeBase } from "@/lib/db/queries/knowledge-bases";
import type { KnowledgeBase } from "@/lib/db/schema";
import { createEmbedder } from "@/lib/providers";
import type { Embedder } from "@/lib/providers/types";
import { ingestDocument } from "@/lib/rag/ingest";
import { queryTexts, retrieve } from "@/lib/rag/retrieve";
import type { FileStore } from "@/lib/storage/files";
import { KEYWORD_VERSION } from "@/lib/text/keywords";
import { startModelServer, type ModelServer } from "@/tests/support/model-server";
import { addText, tempFileStore, WS } from "../jobs/kb-fixtures";
import { forEachDatabase } from "../support/db";

// Articles of a law in Simplified Chinese, as a mainland knowledge base holds them.
const ARTICLES = [
  "第十五条 国家支持民营经济组织参与国家重大战略和重大工程，引导民营经济组织在推动科技创新、培育新质生产力中积极发挥作用。",
  "第十六条 支持民营经济组织参与国家重大战略、重大规划、重大工程实施，在战略性新兴产业、未来产业等领域投资和创业。",
  "第十七条 国务院有关部门根据国家重大发展战略、发展规划、产业政策等，统筹研究提出支持民营经济组织参与的项目清单。",
  "第三十条 县级以上地方人民政府应当完善企业服务体系，为民营经济组织提供法律政策咨询、融资对接等服务。",
  "第四十一条 金融机构应当依法为民营经济组织提供平等的信贷服务，不得设置歧视性条件。",
  "第五十二条 行政机关应当依法保护民营经济组织及其经营者的人身权利、财产权利和经营自主权。",
  // Shares with the question only the characters both scripts write alike (可以, 哪些, 重大, 工程):
  // a Traditional question embedded as written meets this one rather than 第十六条.
  "第九条 哪些工程可以和重大工程一起申报？可以：重大工程和哪些配套工程可以一起申报，由申报单位决定。",
];
const SIMPLIFIED = "民营经济组织可以参与哪些国家重大规划和工程实施？";
const TRADITIONAL = "民營經濟組織可以參與哪些國家重大規劃和工程實施？";

let server: ModelServer;
beforeAll(async () => {
  server = await startModelServer({ tokenDelayMs: 0 });
});
afterAll(() => server.close());

forEachDatabase("a Traditional question against an embedding server", (t) => {
  let files: FileStore;
  let dispose: () => Promise<void>;
  let kb: KnowledgeBase;
  let embedder: Embedder;

  beforeAll(async () => {
    ({ files, dispose } = await tempFileStore());
    embedder = createEmbedder({ id: "ollama-test", kind: "ollama", name: "Ollama (test)", baseUrl: server.url, embeddingModel: "shaw/dmeta-embedding-zh" });
    kb = await createKnowledgeBase(t.db, WS, { name: "民营经济促进法", embeddingProvider: "ollama-test", embeddingModel: "shaw/dmeta-embedding-zh", keywordVersion: KEYWORD_VERSION });
    for (const [i, text] of ARTICLES.entries()) {
      const doc = await addText(t.db, files, kb.id, `条文-${i}.txt`, text);
      await ingestDocument({ db: t.db, files, embedder }, doc.id);
    }
    await syncAllVectorIndexes(t.db);
  });
  afterAll(() => dispose());

  const search = (query: string, mode: "vector" | "hybrid") => retrieve({ db: t.db, embedderFor: () => embedder }, { workspaceId: WS, knowledgeBaseIds: [kb.id], query, topK: 3, mode });

  it("embeds the question as written and folded to Simplified", () => {
    expect(queryTexts(TRADITIONAL)).toEqual([TRADITIONAL, SIMPLIFIED]);
    expect(queryTexts(SIMPLIFIED)).toEqual([SIMPLIFIED]);
  });

  it.each(["vector", "hybrid"] as const)("%s search: finds the chunk its Simplified twin finds, first", async (mode) => {
    const simplified = await search(SIMPLIFIED, mode);
    const traditional = await search(TRADITIONAL, mode);
    expect(simplified[0].text).toContain("第十六条");
    expect(traditional[0].id).toBe(simplified[0].id);
  });
});
