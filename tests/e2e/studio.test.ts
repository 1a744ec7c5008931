import { afterAll, beforeAll, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { getFreePort } from "../support/model-server";
import { FlowsPage, screenshot } from "./pages/studio";
import { startApp, type AppServer } from "./support/app-server";
import { launchBrowser, newContext, describeBrowser } from "./support/browser";
import { withStudio } from "./support/studio";


describeBrowser("the studio in Chromium, with a model server", () => {
  let app: AppServer;
  let browser: Browser;
  withStudio({ tokenDelayMs: 30 }, (studio) => ({ app, browser } = studio));

  it("creates a flow, streams an answer in the test panel and shows the trace of every node", async () => {
    const context = await newContext(browser, "en-US");
    const page = await context.newPage();
    const flows = new FlowsPage(page, app.url);
    await flows.open();
    expect(await flows.heading().textContent()).toBe("Your flows");
    await expect.poll(() => page.getByTestId("offline-banner").count()).toBe(0);

    const flow = await flows.createFlow("Support bot");
    await expect.poll(() => flow.nodes().count()).toBe(4);
    const watch = await flow.watchAnswerGrowth();
    await flow.ask("How do refunds work?");

    // The answer grows while tokens arrive (streamed, not delivered at the end) …
    await expect.poll(async () => (await flow.lastAnswer().textContent()) ?? "", { timeout: 10_000 }).toContain("How do refunds work?");
    expect((await watch()).length).toBeGreaterThanOrEqual(2);
    // … and every node appears in the trace as done.
    await expect.poll(() => flow.traceSteps().count()).toBe(4);
    await expect.poll(() => page.locator('[data-testid="trace-step"][data-status="succeeded"]').count()).toBe(4);
    await flow.traceSteps().nth(2).locator("summary").click();
    await screenshot(page, "studio-test-panel-trace");
    await context.close();
  });

  it("shows the problems of an invalid flow instead of saving it, and keeps the saved one", async () => {
    const context = await newContext(browser, "en-US");
    const page = await context.newPage();
    const flow = await new FlowsPage(page, app.url).createFlow("Broken");
    await page.locator(".react-flow__pane").waitFor();
    await flow.deleteNode("start");
    await expect.poll(() => flow.nodes().count()).toBe(3);
    await expect.poll(() => flow.saveState().textContent(), { timeout: 10_000 }).toMatch(/Not saved/);
    await expect.poll(async () => (await flow.problems()).textContent()).toMatch(/start/i);
    await screenshot(page, "studio-flow-problems");
    page.on("dialog", (dialog) => void dialog.accept());
    await page.reload();
    await page.locator(".react-flow__pane").waitFor();
    // The unsaved edit comes back from the browser's draft, said so; the server kept the saved flow.
    await expect.poll(() => page.getByTestId("draft-restored").count()).toBe(1);
    await expect.poll(() => flow.nodes().count()).toBe(3);
    await page.getByTestId("discard-draft").click();
    await expect.poll(() => flow.nodes().count()).toBe(4);
    await context.close();
  });

  it("speaks Chinese to a browser whose language is Chinese", async () => {
    const context = await newContext(browser, "zh-CN");
    const page = await context.newPage();
    const flows = new FlowsPage(page, app.url);
    await flows.open();
    expect(await flows.heading().textContent()).toBe("我的流程");
    const flow = await flows.createFlow("客服机器人");
    expect(await page.locator(".test-panel h2").first().textContent()).toBe("测试");
    await flow.ask("退款怎么办理？");
    await expect.poll(async () => (await flow.lastAnswer().textContent()) ?? "", { timeout: 10_000 }).toContain("退款怎么办理？");
    await expect.poll(() => page.locator('[data-testid="trace-step"][data-status="succeeded"]').count()).toBe(4);
    expect(await flow.traceSteps().first().textContent()).toContain("完成");
    await screenshot(page, "studio-zh");
    await context.close();
  });
});

describeBrowser("the studio in Chromium, with nothing on the Ollama port", () => {
  let app: AppServer;
  let browser: Browser;

  beforeAll(async () => {
    app = await startApp({ ollamaBaseUrl: `http://127.0.0.1:${await getFreePort()}` });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it("says plainly that it runs offline, with the line that installs a model, and still answers", async () => {
    const context = await newContext(browser, "en-US");
    const page = await context.newPage();
    const flows = new FlowsPage(page, app.url);
    await flows.open();
    const banner = page.getByTestId("offline-banner");
    await expect.poll(() => banner.count()).toBe(1);
    expect(await banner.textContent()).toContain("ollama pull qwen2.5");
    const flow = await flows.createFlow("Offline bot");
    await flow.ask("What does the offline answerer do?");
    await expect.poll(async () => (await flow.lastAnswer().textContent()) ?? "", { timeout: 10_000 }).toMatch(/not a language model/i);
    await screenshot(page, "studio-offline");
    await context.close();
  });
});
