import { afterAll, beforeAll, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { getFreePort, startModelServer } from "../support/model-server";
import { screenshot } from "./pages/studio";
import { startApp, type AppServer } from "./support/app-server";
import { launchBrowser, newContext, describeBrowser } from "./support/browser";
import { collectRun, json } from "./support/sse";

type ModelServer = Awaited<ReturnType<typeof startModelServer>>;
const SECRET = "sk-trellis-test-4f9a2c";

/*
 * A team adds their vLLM server (OpenAI-compatible, with a key) on the providers page, makes it
 * the default, and their flows run on it. Nothing listens on the Ollama port.
 */
describeBrowser("model providers: add, test, make default, run — secrets never leave the server", () => {
  let models: ModelServer;
  let app: AppServer;
  let browser: Browser;

  beforeAll(async () => {
    models = await startModelServer({ apiKey: SECRET, chatModels: ["Qwen/Qwen2.5-7B-Instruct"] });
    app = await startApp({ ollamaBaseUrl: `http://127.0.0.1:${await getFreePort()}` });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await models?.close();
  });

  it("stores the key encrypted, never returns it, and runs flows on the new default provider", async () => {
    // ARRANGE
    const created = await json(`${app.url}/api/v1/providers`, {
      method: "POST",
      body: { kind: "openai", name: "vLLM", baseUrl: `${models.url}/v1`, apiKey: SECRET, chatModel: "Qwen/Qwen2.5-7B-Instruct", isDefault: true },
    });
    expect(created.status).toBe(201);
    expect(JSON.stringify(created.body)).not.toContain(SECRET);
    const id = created.body.provider.id;

    // ACT + ASSERT: listing shows it as default with a stored key, but not the key
    const listed = await json(`${app.url}/api/v1/providers`);
    expect(JSON.stringify(listed.body)).not.toContain(SECRET);
    expect(listed.body.providers).toEqual([expect.objectContaining({ id, hasSecret: true, isDefault: true })]);
    expect(listed.body.status.defaultProvider.id).toBe(id);

    // "Test connection" reaches the server with the decrypted key and lists its models
    const tested = await json(`${app.url}/api/v1/providers/test`, { method: "POST", body: { providerId: id } });
    expect(tested.body).toMatchObject({ ok: true, models: expect.arrayContaining([expect.objectContaining({ name: "Qwen/Qwen2.5-7B-Instruct" })]) });

    // A new flow's LLM node uses "default", which is now this provider
    const flow = await json(`${app.url}/api/v1/flows`, { method: "POST", body: { name: "vllm bot" } });
    const { events } = await collectRun(`${app.url}/api/v1/flows/${flow.body.flow.id}/runs`, { message: "ping" });
    expect(events.at(-1)).toMatchObject({ type: "run-finished", status: "succeeded" });
    const call = models.requests.find((r) => r.path === "/v1/chat/completions");
    expect(call?.headers.authorization).toBe(`Bearer ${SECRET}`);
    expect(JSON.stringify(events)).not.toContain(SECRET);
    const run = await json(`${app.url}/api/v1/runs/${events[0].runId}`);
    expect(JSON.stringify(run.body)).not.toContain(SECRET);
  });

  it("says in the person's language why a connection test failed", async () => {
    const res = await json(`${app.url}/api/v1/providers/test`, {
      method: "POST",
      body: { kind: "ollama", name: "nowhere", baseUrl: `http://127.0.0.1:${await getFreePort()}` },
      headers: { "Accept-Language": "zh-CN" },
    });
    expect(res.body.ok).toBe(false);
    expect(res.body.error.code).toBe("PROVIDER_UNREACHABLE");
    expect(res.body.error.message).toMatch(/[\u4e00-\u9fff]/);
  });

  it("shows the providers page with the stored provider, its key never in the page", async () => {
    const context = await newContext(browser, "en-US");
    const page = await context.newPage();
    await page.goto(`${app.url}/settings`);
    await expect.poll(() => page.getByText("vLLM").count()).toBeGreaterThan(0);
    expect(await page.content()).not.toContain(SECRET);
    await page.locator('[data-testid^="provider-"]').filter({ hasText: "vLLM" }).getByRole("button", { name: "Test connection" }).click();
    await expect.poll(() => page.getByTestId("test-result").first().textContent()).toContain("Connected");
    await screenshot(page, "providers");
    await context.close();
  });
});
