import { readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getFreePort, startModelServer } from "../support/model-server";
import { KnowledgePage, screenshot } from "./pages/knowledge";
import { startApp, type AppServer } from "./support/app-server";
import { itBrowser, launchBrowser, newContext } from "./support/browser";
import { collectRun, json } from "./support/sse";
import { authFetch } from "./support/auth";

type ModelServer = Awaited<ReturnType<typeof startModelServer>>;

const DOCS = "/work/shared/fixtures/docs";
const ZH_MD = path.join(DOCS, "zh/statistics-law-2024-09-13.md");
const EN_MD = path.join(DOCS, "en/fedramp-working-with-oscal.md");
const ZH_PDF = path.join(DOCS, "zh/private-economy-promotion-law.pdf");
const ZH_HANT_MD = path.join(DOCS, "zh/chinese-copywriting-guidelines.zh-Hant.md");
const PNG = Buffer.from("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da6364f8cf00000301010018dd8db40000000049454e44ae426082", "hex");

const ZH_QUESTION = "统计的基本任务是什么？";
const EN_QUESTION = "Does FedRAMP accept XML or JSON formatted OSCAL SSP files?";

function fileOf(p: string, name = path.basename(p)): { name: string; blob: Blob } {
  return { name, blob: new Blob([readFileSync(p)]) };
}

async function upload(app: AppServer, kbId: string, files: Array<{ name: string; blob: Blob }>) {
  const form = new FormData();
  for (const f of files) form.append("files", f.blob, f.name);
  const res = await authFetch(`${app.url}/api/v1/knowledge-bases/${kbId}/documents`, { method: "POST", body: form });
  return { status: res.status, body: await res.json() };
}

async function waitUntilSettled(app: AppServer, kbId: string, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { body } = await json(`${app.url}/api/v1/knowledge-bases/${kbId}/documents`);
    const docs = body.documents as Array<{ name: string; status: string; error: unknown }>;
    if (docs.every((d) => d.status === "ready" || d.status === "failed")) return docs;
    if (Date.now() > deadline) throw new Error(`ingestion did not finish: ${JSON.stringify(docs)}\n${app.logs().slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

/** start → retriever (kb) → prompt → LLM (documents from the retriever) → answer (citations from the LLM). */
function ragFlow(kbId: string) {
  return {
    schemaVersion: 1,
    nodes: [
      { id: "start", type: "start", position: { x: 0, y: 80 }, data: { variables: [] } },
      { id: "retriever", type: "retriever", position: { x: 250, y: 0 }, data: { knowledgeBaseIds: [kbId], topK: 3, scoreThreshold: 0, mode: "hybrid" } },
      { id: "prompt", type: "prompt", position: { x: 500, y: 0 }, data: { template: "Context: {{context}}\nQuestion: {{message}}" } },
      { id: "llm", type: "llm", position: { x: 750, y: 80 }, data: { provider: "default", model: "", systemPrompt: "Answer from the context.", temperature: 0, maxTokens: 512 } },
      { id: "answer", type: "answer", position: { x: 1000, y: 80 }, data: {} },
    ],
    edges: [
      { id: "e1", source: "start", sourceHandle: "message", target: "retriever", targetHandle: "query" },
      { id: "e2", source: "start", sourceHandle: "message", target: "prompt", targetHandle: "message" },
      { id: "e3", source: "retriever", sourceHandle: "context", target: "prompt", targetHandle: "context" },
      { id: "e4", source: "prompt", sourceHandle: "prompt", target: "llm", targetHandle: "prompt" },
      { id: "e5", source: "retriever", sourceHandle: "documents", target: "llm", targetHandle: "documents" },
      { id: "e6", source: "llm", sourceHandle: "text", target: "answer", targetHandle: "text" },
      { id: "e7", source: "llm", sourceHandle: "citations", target: "answer", targetHandle: "citations" },
    ],
  };
}

async function askFlow(app: AppServer, kbId: string, question: string) {
  const created = await json(`${app.url}/api/v1/flows`, { method: "POST", body: { name: "知识库问答", graph: ragFlow(kbId) } });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const { events } = await collectRun(`${app.url}/api/v1/flows/${created.body.flow.id}/runs`, { message: question });
  const finished = events.at(-1);
  if (finished?.type !== "run-finished") throw new Error(`no run-finished: ${JSON.stringify(events.slice(-3))}`);
  return finished;
}

const filesUnder = (dir: string): string[] =>
  readdirSync(dir).flatMap((f) => (statSync(path.join(dir, f)).isDirectory() ? filesUnder(path.join(dir, f)) : [path.join(dir, f)]));

describe("knowledge bases through the API and the UI, with an Ollama-compatible server", () => {
  let models: ModelServer;
  let app: AppServer;
  let browser: Browser | undefined;
  let kbId: string;

  beforeAll(async () => {
    models = await startModelServer({ tokenDelayMs: 1 });
    app = await startApp({ ollamaBaseUrl: models.url });
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await models?.close();
  });

  it("creates a knowledge base with the default embedder resolved to a concrete provider, listed for the canvas picker", async () => {
    const created = await json(`${app.url}/api/v1/knowledge-bases`, { method: "POST", body: { name: "法规与指南", chunking: { mode: "general", chunkSize: 300, chunkOverlap: 50, parentSize: 1200 } } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    kbId = created.body.knowledgeBase.id;
    expect(created.body.knowledgeBase.embeddingProvider).toBe("ollama-local");
    expect(created.body.knowledgeBase.embeddingModel).toBe("shaw/dmeta-embedding-zh");
    const list = await json(`${app.url}/api/v1/knowledge-bases`);
    expect(list.body.knowledgeBases).toEqual([expect.objectContaining({ id: kbId, name: "法规与指南", documentCount: 0 })]);
  });

  it("uploads a batch: good files are queued, an empty file and a PNG named .txt are refused with codes, then everything is ingested", async () => {
    const res = await upload(app, kbId, [fileOf(ZH_MD), fileOf(EN_MD), fileOf(ZH_PDF), { name: "empty.txt", blob: new Blob([]) }, { name: "photo.txt", blob: new Blob([PNG]) }]);
    expect(res.status).toBe(202);
    expect(res.body.results.map((r: { status: string }) => r.status)).toEqual(["queued", "queued", "queued", "error", "error"]);
    expect(res.body.results[3].error.code).toBe("FILE_EMPTY");
    expect(res.body.results[4].error.code).toBe("FILE_UNSUPPORTED");
    expect(res.body.results[4].error.message).toMatch(/PNG/);

    const docs = await waitUntilSettled(app, kbId);
    expect(docs.map((d) => [d.name, d.status]), JSON.stringify(docs.map((d) => d.error))).toEqual([
      ["statistics-law-2024-09-13.md", "ready"],
      ["fedramp-working-with-oscal.md", "ready"],
      ["private-economy-promotion-law.pdf", "ready"],
    ]);
    const chunks = await json(`${app.url}/api/v1/knowledge-bases/${kbId}/chunks?search=${encodeURIComponent("统计的基本任务")}`);
    expect(chunks.body.total).toBeGreaterThan(0);
    expect(models.requests.some((r) => r.path === "/api/embed" || r.path === "/api/embeddings")).toBe(true);
  });

  it("detects an identical re-upload as a duplicate and stores nothing new", async () => {
    const res = await upload(app, kbId, [fileOf(ZH_MD, "统计法-副本.md")]);
    expect(res.status).toBe(202);
    expect(res.body.results).toEqual([expect.objectContaining({ status: "duplicate", existingName: "statistics-law-2024-09-13.md" })]);
    const { body } = await json(`${app.url}/api/v1/knowledge-bases/${kbId}/documents`);
    expect(body.documents).toHaveLength(3);
  });

  it("refuses a JSON upload naming server files (C8) with 415 and copies nothing", async () => {
    const before = filesUnder(path.join(app.dataDir, "files")).length;
    const res = await json(`${app.url}/api/v1/knowledge-bases/${kbId}/documents`, { method: "POST", body: { files: { a: { filepath: "/etc/passwd" } } } });
    expect(res.status).toBe(415);
    expect(res.body.error.code).toBe("unsupported_media_type");
    expect(filesUnder(path.join(app.dataDir, "files"))).toHaveLength(before);
    const { body } = await json(`${app.url}/api/v1/knowledge-bases/${kbId}/documents`);
    expect(body.documents.some((d: { name: string }) => d.name.includes("passwd"))).toBe(false);
  });

  it("batch retrieval ranks the right document first for a Chinese and an English question, with all three scores", async () => {
    const res = await json(`${app.url}/api/v1/knowledge-bases/${kbId}/retrieve`, { method: "POST", body: { queries: [ZH_QUESTION, EN_QUESTION], topK: 3 } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const [zh, en] = res.body.results;
    expect(zh.chunks[0].documentName).toBe("statistics-law-2024-09-13.md");
    expect(zh.chunks[0].text).toContain("统计的基本任务");
    expect(en.chunks[0].documentName).toBe("fedramp-working-with-oscal.md");
    expect(typeof en.chunks[0].vectorScore).toBe("number");
    expect(typeof en.chunks[0].keywordScore).toBe("number");
    expect(en.chunks[0].fusedScore).toBeGreaterThan(0);
  });

  it("answers through start → retriever → prompt → LLM → answer, citing the right document", async () => {
    const finished = await askFlow(app, kbId, ZH_QUESTION);
    expect(finished.status, JSON.stringify(finished.error)).toBe("succeeded");
    expect(finished.answer?.citations?.[0]?.documentName).toBe("statistics-law-2024-09-13.md");
    const chat = models.requests.filter((r) => r.path === "/api/chat").at(-1);
    expect(JSON.stringify(chat?.body)).toContain("统计的基本任务是对经济社会发展情况进行统计调查");
  });

  it("edits, disables and deletes chunks; retrieval follows at once", async () => {
    const base = `${app.url}/api/v1/knowledge-bases/${kbId}`;
    const found = await json(`${base}/chunks?search=${encodeURIComponent("统计的基本任务")}`);
    const chunk = found.body.chunks[0] as { id: string; text: string };
    const edited = await json(`${base}/chunks/${chunk.id}`, { method: "PATCH", body: { text: `${chunk.text}\n紫色长颈鹿条款：本段已人工校对。` } });
    expect(edited.status, JSON.stringify(edited.body)).toBe(200);
    expect(edited.body.chunk.edited).toBe(true);
    const hit = await json(`${base}/retrieve`, { method: "POST", body: { queries: ["紫色长颈鹿条款"], topK: 1, mode: "keyword" } });
    expect(hit.body.results[0].chunks[0].id).toBe(chunk.id);

    expect((await json(`${base}/chunks/${chunk.id}`, { method: "PATCH", body: { enabled: false } })).status).toBe(200);
    const hidden = await json(`${base}/retrieve`, { method: "POST", body: { queries: ["紫色长颈鹿条款"], topK: 3, mode: "keyword" } });
    expect(hidden.body.results[0].chunks.map((c: { id: string }) => c.id)).not.toContain(chunk.id);
    expect((await json(`${base}/chunks/${chunk.id}`, { method: "PATCH", body: { enabled: true } })).status).toBe(200);

    const other = found.body.chunks.at(-1) as { id: string };
    const before = (await json(`${base}/chunks`)).body.total as number;
    expect((await authFetch(`${base}/chunks/${other.id}`, { method: "DELETE" })).status).toBe(204);
    expect((await json(`${base}/chunks`)).body.total).toBe(before - 1);
  });

  it("keeps the embedder once documents exist (409 pointing to re-embed), renames, refuses retrying a ready document", async () => {
    const base = `${app.url}/api/v1/knowledge-bases/${kbId}`;
    const locked = await json(base, { method: "PATCH", body: { embeddingProvider: "offline" }, headers: { "accept-language": "zh-CN" } });
    expect(locked.status).toBe(409);
    expect(locked.body.error.message).toContain("重新向量化");
    const renamed = await json(base, { method: "PATCH", body: { name: "法规与指南（新）" } });
    expect(renamed.body.knowledgeBase.name).toBe("法规与指南（新）");
    const docs = (await json(`${base}/documents`)).body.documents as Array<{ id: string; status: string }>;
    const ready = docs.find((d) => d.status === "ready")!;
    expect((await json(`${base}/documents/${ready.id}/retry`, { method: "POST" })).status).toBe(409);
    const foreign = await json(`${app.url}/api/v1/knowledge-bases/not-a-kb/documents`, { headers: { "accept-language": "zh-CN" } });
    expect(foreign.status).toBe(404);
    expect(foreign.body.error.message).toBe("找不到该知识库。");
  });

  it("re-embeds every document on request and deletes a document with its stored file", async () => {
    const base = `${app.url}/api/v1/knowledge-bases/${kbId}`;
    const embedsBefore = models.requests.filter((r) => r.path.startsWith("/api/embed")).length;
    const res = await authFetch(`${base}/reembed`, { method: "POST" });
    expect(res.status).toBe(202);
    expect((await res.json()).queued).toBe(3);
    const docs = await waitUntilSettled(app, kbId);
    expect(docs.filter((d) => d.status === "ready").map((d) => d.name)).toEqual(expect.arrayContaining(["statistics-law-2024-09-13.md", "fedramp-working-with-oscal.md"]));
    expect(models.requests.filter((r) => r.path.startsWith("/api/embed")).length).toBeGreaterThan(embedsBefore);
    const again = await json(`${base}/retrieve`, { method: "POST", body: { queries: [EN_QUESTION], topK: 1 } });
    expect(again.body.results[0].chunks[0].documentName).toBe("fedramp-working-with-oscal.md");

    const list = (await json(`${base}/documents`)).body.documents as Array<{ id: string; name: string }>;
    const en = list.find((d) => d.name === "fedramp-working-with-oscal.md")!;
    const stored = filesUnder(path.join(app.dataDir, "files")).length;
    expect((await authFetch(`${base}/documents/${en.id}`, { method: "DELETE" })).status).toBe(204);
    expect((await json(`${base}/documents/${en.id}`)).status).toBe(404);
    expect(filesUnder(path.join(app.dataDir, "files"))).toHaveLength(stored - 1);
    const gone = await json(`${base}/retrieve`, { method: "POST", body: { queries: [EN_QUESTION], topK: 3 } });
    expect(gone.body.results[0].chunks.some((c: { documentName: string }) => c.documentName === "fedramp-working-with-oscal.md")).toBe(false);
  });

  itBrowser("shows documents reaching ready, a two-column preview comparison and scored retrieval hits in the browser", async () => {
    browser = await launchBrowser();
    const context = await newContext(browser, "zh-CN");
    const page = await context.newPage();
    const kb = new KnowledgePage(page, app.url);
    const created = await json(`${app.url}/api/v1/knowledge-bases`, { method: "POST", body: { name: "界面测试" } });
    const uiKb = created.body.knowledgeBase.id as string;
    await kb.openKnowledgeBase(uiKb);
    await kb.upload([ZH_MD, EN_MD]);
    await kb.waitForAll("ready", 2);
    await expect(kb.documents().count()).resolves.toBe(2);
    await expect(page.locator('[data-testid="kb-document"] [role=progressbar]').first().getAttribute("aria-valuenow")).resolves.toBe("100");
    await expect(page.getByText("已就绪").count()).resolves.toBe(2);
    // The chunk list catches up by itself once ingestion ends, with the documents' chunk total.
    const docs = (await json(`${app.url}/api/v1/knowledge-bases/${uiKb}/documents`)).body.documents as Array<{ chunkCount: number }>;
    const total = docs.reduce((sum, d) => sum + d.chunkCount, 0);
    expect(total).toBeGreaterThan(20);
    await page.getByTestId("kb-chunks").locator("h2", { hasText: `${total} 个分段` }).waitFor({ timeout: 5_000 });
    await expect(page.getByTestId("kb-chunk").count()).resolves.toBe(20);
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, "knowledge-documents", "kb-documents-panel");

    await kb.previewCompare(ZH_MD, 800);
    await expect(kb.previewColumns().count()).resolves.toBe(2);
    const heads = await kb.previewColumns().locator("h3").allTextContents();
    const counts = heads.map((h) => Number(/(\d+) 个分段/.exec(h)?.[1]));
    expect(counts[0]).toBeGreaterThan(counts[1]);
    await screenshot(page, "knowledge-preview-compare", "kb-chunking");

    await kb.openRetrieval(uiKb);
    await kb.query(ZH_QUESTION);
    await expect(kb.hits().first().textContent()).resolves.toContain("statistics-law-2024-09-13.md");
    await expect(kb.hits().first().locator(".kb-score").count()).resolves.toBe(3);
    await screenshot(page, "knowledge-retrieval");
    await context.close();
  });
});

describe("knowledge bases with no model server (offline pair)", () => {
  let app: AppServer;

  beforeAll(async () => {
    app = await startApp({ ollamaBaseUrl: `http://127.0.0.1:${await getFreePort()}` });
  });
  afterAll(async () => {
    await app?.stop();
  });

  it("ingests with the offline embedder and the flow's answer quotes a sentence of the right document", async () => {
    const created = await json(`${app.url}/api/v1/knowledge-bases`, { method: "POST", body: { name: "离线知识库" } });
    expect(created.body.knowledgeBase.embeddingProvider).toBe("offline");
    const kbId = created.body.knowledgeBase.id as string;
    const res = await upload(app, kbId, [fileOf(ZH_MD), fileOf(EN_MD)]);
    expect(res.body.results.every((r: { status: string }) => r.status === "queued")).toBe(true);
    const docs = await waitUntilSettled(app, kbId);
    expect(docs.map((d) => d.status), JSON.stringify(docs.map((d) => d.error))).toEqual(["ready", "ready"]);

    const finished = await askFlow(app, kbId, ZH_QUESTION);
    expect(finished.status, JSON.stringify(finished.error)).toBe("succeeded");
    const source = readFileSync(ZH_MD, "utf8").replace(/\s+/g, "");
    const sentences = (finished.answer?.text ?? "").split(/[。！？\n]/).map((s) => s.replace(/\s+/g, "").replace(/^\[\d+\]/, "")).filter((s) => s.length >= 12);
    expect(sentences.some((s) => source.includes(s)), finished.answer?.text).toBe(true);
    expect(finished.answer?.text).toContain("统计的基本任务");
    expect(finished.answer?.citations?.[0]?.documentName).toBe("statistics-law-2024-09-13.md");
  });

  itBrowser("shows which chunk the built-in reranker moved up, and from where, in the retrieval test page", async () => {
    const chunking = { mode: "general", chunkSize: 160, chunkOverlap: 0, parentSize: 1200 };
    const created = await json(`${app.url}/api/v1/knowledge-bases`, { method: "POST", body: { name: "Chopin", chunking } });
    const kbId = created.body.knowledgeBase.id as string;
    const text = [
      "Warsaw and Vienna were the cities of his youth. Chopin loved Warsaw, Chopin loved Vienna, and he would not leave Warsaw or Vienna out of his letters.",
      "On 2 November 1830 Chopin left Warsaw for Vienna, with no clearly defined aim, and he never came back.",
      "In Paris he gave few public concerts and taught the piano to pupils from the aristocracy.",
    ].join("\n\n");
    await upload(app, kbId, [{ name: "Frédéric Chopin.txt", blob: new Blob([text], { type: "text/plain" }) }]);
    expect((await waitUntilSettled(app, kbId)).map((d) => d.status)).toEqual(["ready"]);
    const browser = await launchBrowser();
    try {
      const page = await (await newContext(browser, "en-US")).newPage();
      const kb = new KnowledgePage(page, app.url);
      await kb.openRetrieval(kbId);
      await kb.query("When did Chopin leave Warsaw for Vienna?");
      const first = kb.hits().first();
      await expect(first.textContent()).resolves.toContain("2 November 1830");
      // Keyword search alone put the chunk that repeats the names first; the badge says so.
      await expect(first.getByTestId("kb-hit-moved").textContent()).resolves.toBe("reranked from #2");
      await screenshot(page, "knowledge-retrieval-reranked");
    } finally {
      await browser.close();
    }
  });

  itBrowser("finds a Traditional-Chinese document with a question typed in Simplified, in the retrieval test page", async () => {
    const created = await json(`${app.url}/api/v1/knowledge-bases`, { method: "POST", body: { name: "繁体文档" } });
    const kbId = created.body.knowledgeBase.id as string;
    await upload(app, kbId, [fileOf(ZH_HANT_MD)]);
    const docs = await waitUntilSettled(app, kbId);
    expect(docs.map((d) => d.status)).toEqual(["ready"]);
    const browser = await launchBrowser();
    try {
      const page = await (await newContext(browser, "zh-CN")).newPage();
      const kb = new KnowledgePage(page, app.url);
      await kb.openRetrieval(kbId);
      // Every word of the question is written differently in the document (光纖入屋寬頻).
      await kb.query("光纤宽频");
      await expect(kb.hits().first().textContent()).resolves.toContain("光纖入屋寬頻");
      await screenshot(page, "knowledge-retrieval-traditional");
    } finally {
      await browser.close();
    }
  });
});
