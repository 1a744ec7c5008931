import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { getFreePort } from "../support/model-server";
import { createKnowledgeBaseViaApi } from "./pages/canvas";
import { screenshot } from "./pages/knowledge";
import { startApp, type AppServer } from "./support/app-server";
import { launchBrowser, newContext, describeBrowser } from "./support/browser";
import { json } from "./support/sse";

const DOCS = "/work/shared/fixtures/docs";
const LAW = "statistics-law-2024-09-13.md";
const GUIDE = "fedramp-working-with-oscal.md";
const QUESTION = "统计的基本任务是什么？";

/** Hydrated page: clicks before hydration would find no handlers. */
async function open(page: Page, url: string) {
  await page.goto(url, { waitUntil: "networkidle" });
}

const row = (page: Page, name: string) => page.locator(`[data-testid="kb-document"][data-name="${name}"]`);
const chips = (scope: Locator) => scope.getByTestId("kb-doc-tag");

/** Types tags into a document row's tag input and presses Enter; waits until the chips show them. */
async function addTags(page: Page, name: string, typed: string, expected: string[]) {
  const input = row(page, name).getByTestId("kb-doc-tag-input");
  await input.fill(typed);
  await input.press("Enter");
  await page.waitForFunction(
    ([n, want]) => {
      const r = document.querySelector(`[data-testid="kb-document"][data-name="${n}"]`);
      const got = [...(r?.querySelectorAll('[data-testid="kb-doc-tag"]') ?? [])].map((c) => c.firstChild?.textContent ?? "");
      return JSON.stringify(got) === want;
    },
    [name, JSON.stringify(expected)],
  );
}

/** The document name of every hit once all of them come from `name` (the filter applied). */
async function hitsOnlyFrom(page: Page, name: string) {
  await page.waitForFunction((n) => {
    const heads = [...document.querySelectorAll('[data-testid="kb-hit"] .kb-hit-head strong')].map((s) => s.textContent);
    return heads.length > 0 && heads.every((h) => h === n);
  }, name);
  return page.locator('[data-testid="kb-hit"] .kb-hit-head strong').allTextContents();
}

describeBrowser("document tags in the browser: tag documents, then filter the retrieval test by a tag", () => {
  let app: AppServer;
  let browser: Browser;
  let kbId: string;
  let scratch: string;

  beforeAll(async () => {
    app = await startApp({ ollamaBaseUrl: `http://127.0.0.1:${await getFreePort()}` });
    ({ id: kbId } = await createKnowledgeBaseViaApi(app.url, "标签筛选", [path.join(DOCS, "zh", LAW), path.join(DOCS, "en", GUIDE)]));
    browser = await launchBrowser();
    scratch = mkdtempSync(path.join(tmpdir(), "kb-tags-"));
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it("an editor tags two documents differently in place, tags an upload batch, and removes a tag; the tags are stored", async () => {
    const context = await newContext(browser, "zh-CN");
    const page = await context.newPage();
    await open(page, `${app.url}/knowledge/${kbId}`);
    await addTags(page, LAW, "法规", ["法规"]);
    await addTags(page, GUIDE, "指南, english，指南", ["指南", "english"]);
    // A tag over 40 characters is refused in the person's language, and nothing changes.
    await row(page, LAW).getByTestId("kb-doc-tag-input").fill("长".repeat(41));
    await row(page, LAW).getByTestId("kb-doc-tag-input").press("Enter");
    await row(page, LAW).getByText("标签最多 40 个字符").waitFor();

    // Tags typed above the drop zone go on every document of the upload.
    const note = path.join(scratch, "人事制度.txt");
    writeFileSync(note, "第一条 员工每年享有十五天带薪年假。\n第二条 年假须提前一周申请。\n");
    await page.getByTestId("kb-upload-tags").fill("人事, 2024");
    await page.getByTestId("kb-file-input").setInputFiles([note]);
    await chips(row(page, "人事制度.txt")).nth(1).waitFor();
    await expect(chips(row(page, "人事制度.txt")).allTextContents()).resolves.toEqual(["人事×", "2024×"]);

    await row(page, GUIDE).getByRole("button", { name: "移除标签“english”" }).click();
    await page.waitForFunction((n) => document.querySelectorAll(`[data-testid="kb-document"][data-name="${n}"] [data-testid="kb-doc-tag"]`).length === 1, GUIDE);

    const { body } = await json(`${app.url}/api/v1/knowledge-bases/${kbId}/documents`);
    expect(Object.fromEntries(body.documents.map((d: { name: string; tags: string[] }) => [d.name, d.tags]))).toEqual({ [LAW]: ["法规"], [GUIDE]: ["指南"], "人事制度.txt": ["人事", "2024"] });
    // Reloaded, the chips are still there.
    await open(page, `${app.url}/knowledge/${kbId}`);
    await expect(chips(row(page, LAW)).allTextContents()).resolves.toEqual(["法规×"]);
    await screenshot(page, "kb-tags-documents", "kb-documents-panel");
    await context.close();
  });

  it("the retrieval test lists the tags; filtering by one shows only that document's chunks, and switching tags searches again", async () => {
    for (let tries = 0; ; tries++) {
      const docs: Array<{ status: string }> = (await json(`${app.url}/api/v1/knowledge-bases/${kbId}/documents`)).body.documents;
      if (docs.every((d) => d.status === "ready")) break;
      if (tries > 200) throw new Error(`ingestion did not finish: ${JSON.stringify(docs)}`);
      await new Promise((r) => setTimeout(r, 300));
    }
    const context = await newContext(browser, "zh-CN");
    const page = await context.newPage();
    await open(page, `${app.url}/knowledge/${kbId}/retrieval`);
    await expect(page.getByTestId("kb-filter-tag").allTextContents()).resolves.toEqual(["法规", "指南", "人事", "2024"]);

    // Unfiltered, the Chinese question finds the law first.
    await page.getByTestId("kb-query").fill(QUESTION);
    await page.getByTestId("kb-query-run").click();
    await page.getByTestId("kb-hit").first().waitFor();
    await expect(page.locator('[data-testid="kb-hit"] .kb-hit-head strong').first().textContent()).resolves.toBe(LAW);

    // Filtered by 指南: every chunk comes from the guide, though the law matches the question better.
    await page.locator('[data-testid="kb-filter-tag"][data-tag="指南"] input').check();
    const guideHits = await hitsOnlyFrom(page, GUIDE);
    expect(guideHits.length).toBeGreaterThan(0);
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, "kb-tags");

    // Switching to 法规 searches again at once.
    await page.locator('[data-testid="kb-filter-tag"][data-tag="指南"] input').uncheck();
    await page.locator('[data-testid="kb-filter-tag"][data-tag="法规"] input').check();
    expect((await hitsOnlyFrom(page, LAW)).length).toBeGreaterThan(0);

    // The document filter narrows by document: only the note.
    await page.getByTestId("kb-filter-clear").click();
    await page.getByTestId("kb-filter-documents").locator("summary").click();
    await page.getByTestId("kb-filter-document").filter({ hasText: "人事制度.txt" }).locator("input").check();
    expect((await hitsOnlyFrom(page, "人事制度.txt")).length).toBeGreaterThan(0);
    await context.close();
  });
});
