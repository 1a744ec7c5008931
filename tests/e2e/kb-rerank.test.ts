import { afterAll, beforeAll, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { startModelServer, type ModelServer } from "../support/model-server";
import { RERANK_PASSAGES as texts, RERANK_QUERY } from "../support/rerank-passages";
import { KnowledgePage, screenshot } from "./pages/knowledge";
import { startApp, type AppServer } from "./support/app-server";
import { authFetch } from "./support/auth";
import { launchBrowser, newContext, describeBrowser } from "./support/browser";
import { json } from "./support/sse";

/**
 * Reranking as a person sets it up: an OpenAI-compatible provider with /v1/rerank (the test
 * model server, whose scorer is the share of the query's character pairs in a passage), chosen
 * on the knowledge base page; the retrieval test then orders by the rerank score, shows it, and
 * says plainly when the reranker cannot be reached.
 */

describeBrowser("rerank in the knowledge base and its retrieval test", () => {
  let models: ModelServer;
  let app: AppServer;
  let browser: Browser;
  let kbId: string;

  beforeAll(async () => {
    models = await startModelServer({ tokenDelayMs: 1 });
    app = await startApp({ ollamaBaseUrl: models.url });
    browser = await launchBrowser();
    const provider = await json(`${app.url}/api/v1/providers`, { method: "POST", body: { kind: "openai", name: "重排服务", baseUrl: `${models.url}/v1` } });
    expect(provider.status).toBe(201);
    const kb = await json(`${app.url}/api/v1/knowledge-bases`, { method: "POST", body: { name: "重排测试" } });
    kbId = kb.body.knowledgeBase.id;
    const form = new FormData();
    texts.forEach((text, i) => form.append("files", new Blob([text]), `passage-${i + 1}.txt`));
    expect((await authFetch(`${app.url}/api/v1/knowledge-bases/${kbId}/documents`, { method: "POST", body: form })).status).toBeLessThan(300);
    const readyCount = async () => ((await json(`${app.url}/api/v1/knowledge-bases/${kbId}/documents`)).body.documents as Array<{ status: string }>).filter((d) => d.status === "ready").length;
    for (const deadline = Date.now() + 60_000; (await readyCount()) < texts.length; ) {
      if (Date.now() > deadline) throw new Error(`ingestion did not finish:\n${app.logs().slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await models?.close().catch(() => undefined);
  });

  it("is chosen on the knowledge base page; the retrieval test then orders by the rerank score and shows it", async () => {
    const context = await newContext(browser, "zh-CN");
    const kb = new KnowledgePage(await context.newPage(), app.url);
    await kb.openKnowledgeBase(kbId);
    await kb.page.getByTestId("kb-rerank-provider").selectOption({ label: "重排服务" });
    await kb.page.getByTestId("kb-rerank-topn").fill("5");
    await kb.page.getByTestId("kb-rerank-save").click();
    await expect.poll(async () => (await json(`${app.url}/api/v1/knowledge-bases/${kbId}`)).body.knowledgeBase.retrieval.rerank?.topN).toBe(5);

    await kb.openRetrieval(kbId);
    await expect(kb.page.getByTestId("kb-rerank-note").textContent()).resolves.toContain("重排服务");
    await kb.query(RERANK_QUERY);
    // Keyword search prefers the passage that repeats both words; the reranker the one with the exact phrase.
    await expect(kb.hits().first().textContent()).resolves.toContain("附：退货政策见官网");
    await expect(kb.hits().first().getByTestId("kb-hit-rerank").textContent()).resolves.toMatch(/1\.0/);
    expect(models.requests.some((r) => r.path === "/v1/rerank")).toBe(true);
    await screenshot(kb.page, "kb-rerank");

    // The reranker goes away: the search says so instead of quietly returning un-reranked hits.
    await models.close();
    await kb.page.getByTestId("kb-query").fill("退货政策 官网");
    await kb.page.getByTestId("kb-query-run").click();
    await expect.poll(() => kb.page.locator("p.error").textContent(), { timeout: 15_000 }).toMatch(/127\.0\.0\.1|重排|无法|连接/);
    await context.close();
  });
});
