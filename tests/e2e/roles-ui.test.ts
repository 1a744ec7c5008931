import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import en from "@/messages/en.json";
import zh from "@/messages/zh.json";
import { startModelServer } from "../support/model-server";
import { KnowledgePage } from "./pages/knowledge";
import { screenshot } from "./pages/studio";
import { VersionsPage } from "./pages/versions";
import { authFetch } from "./support/auth";
import { startApp, type AppServer } from "./support/app-server";
import { launchBrowser, newContext, describeBrowser } from "./support/browser";
import { json } from "./support/sse";

type ModelServer = Awaited<ReturnType<typeof startModelServer>>;
type JoinRole = "editor" | "viewer";

const NOTES = "Viewers may read and run. Editors change flows and knowledge bases.\n\nOwners manage model providers, members and keys.\n\nThe server refuses what a role may not do; the studio hides it.";

/** The owner invites someone with a role through the API; they accept; returns the value of their session cookie. */
async function join(app: AppServer, role: JoinRole): Promise<string> {
  const invite = await json(`${app.url}/api/v1/invites`, { method: "POST", body: { role } });
  expect(invite.status).toBe(201);
  const token = String(invite.body.url).split("/").pop();
  const res = await fetch(`${app.url}/api/v1/auth/invites/${token}/accept`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: app.url },
    body: JSON.stringify({ name: `Ada ${role}`, email: `${role}@roles.test`, password: `${role}-password-1` }),
  });
  expect(res.status).toBe(201);
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith("trellis_session="));
  if (!cookie) throw new Error("accepting the invite set no session cookie");
  return cookie.slice("trellis_session=".length).split(";")[0];
}

/** Waits (beforeAll cannot use expect.poll) until the knowledge base's documents are all ready. */
async function waitUntilIngested(app: AppServer, kbId: string, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const docs: Array<{ status: string }> = (await json(`${app.url}/api/v1/knowledge-bases/${kbId}/documents`)).body.documents;
    if (docs.length > 0 && docs.every((d) => d.status === "ready")) return;
    if (Date.now() > deadline) throw new Error(`ingestion did not finish: ${JSON.stringify(docs)}\n${app.logs().slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

/** Hydrated page: clicks before hydration would find no handlers, and client-rendered controls would not be there yet. */
async function open(page: Page, url: string) {
  await page.goto(url, { waitUntil: "networkidle" });
}

describeBrowser("role-aware studio pages in Chromium", () => {
  let models: ModelServer;
  let app: AppServer;
  let browser: Browser;
  let flowId: string;
  let kbId: string;
  let savedVersion: number;
  let versionCount: number;
  const sessions: Record<JoinRole, string> = { editor: "", viewer: "" };

  async function contextAs(role: JoinRole | "owner", locale: "en-US" | "zh-CN" = "en-US"): Promise<BrowserContext> {
    if (role === "owner") return newContext(browser, locale);
    const context = await newContext(browser, locale, { signedIn: false });
    await context.addCookies([{ name: "trellis_session", value: sessions[role], url: app.url }]);
    return context;
  }

  beforeAll(async () => {
    models = await startModelServer({ tokenDelayMs: 5 });
    app = await startApp({ ollamaBaseUrl: models.url });
    browser = await launchBrowser();

    // ARRANGE, as the owner: a flow with a saved version, a knowledge base with one ingested document, a stored provider.
    const flow = await json(`${app.url}/api/v1/flows`, { method: "POST", body: { name: "Support bot" } });
    flowId = flow.body.flow.id;
    const saved = await json(`${app.url}/api/v1/flows/${flowId}/versions`, { method: "POST", body: { note: "First cut" } });
    expect(saved.status).toBe(201);
    savedVersion = saved.body.version.version;
    versionCount = (await json(`${app.url}/api/v1/flows/${flowId}/versions`)).body.versions.length;
    const kb = await json(`${app.url}/api/v1/knowledge-bases`, { method: "POST", body: { name: "Handbook" } });
    kbId = kb.body.knowledgeBase.id;
    const form = new FormData();
    form.append("files", new Blob([NOTES], { type: "text/markdown" }), "roles.md");
    expect((await authFetch(`${app.url}/api/v1/knowledge-bases/${kbId}/documents`, { method: "POST", body: form })).status).toBeLessThan(300);
    await waitUntilIngested(app, kbId);
    const provider = await json(`${app.url}/api/v1/providers`, { method: "POST", body: { kind: "openai", name: "Team vLLM", baseUrl: `${models.url}/v1`, chatModel: "qwen2.5" } });
    expect(provider.status).toBe(201);
    sessions.viewer = await join(app, "viewer");
    sessions.editor = await join(app, "editor");
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await models?.close();
  });

  it("shows a viewer the flows list without create, template, rename, duplicate or delete controls, and says why in their language", async () => {
    const context = await contextAs("viewer");
    const page = await context.newPage();
    await open(page, `${app.url}/`);
    expect(await page.getByTestId("flow-name").textContent()).toBe("Support bot");
    expect(await page.getByTestId("open-versions").count()).toBe(1);
    for (const control of ["template-select", "rename-flow", "duplicate-flow", "delete-flow"]) expect(await page.getByTestId(control).count(), control).toBe(0);
    expect(await page.locator("form.new-flow").count()).toBe(0);
    expect(await page.getByTestId("view-only-note").textContent()).toBe(en.roles.viewOnly);
    await screenshot(page, "roles-viewer-flows");
    // What the page no longer offers, the server still refuses.
    const refused = await fetch(`${app.url}/api/v1/flows`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: app.url, cookie: `trellis_session=${sessions.viewer}` },
      body: JSON.stringify({ name: "Not allowed" }),
    });
    expect(refused.status).toBe(403);
    await context.close();

    const zhContext = await contextAs("viewer", "zh-CN");
    const zhPage = await zhContext.newPage();
    await open(zhPage, `${app.url}/`);
    expect(await zhPage.getByTestId("view-only-note").textContent()).toBe(zh.roles.viewOnly);
    await zhContext.close();
  });

  it("lets a viewer open a knowledge base, preview chunking and test retrieval, with no upload or edit controls", async () => {
    const context = await contextAs("viewer");
    const page = await context.newPage();
    await open(page, `${app.url}/knowledge`);
    expect(await page.getByTestId("kb-card").count()).toBe(1);
    expect(await page.getByTestId("kb-create").count()).toBe(0);
    expect(await page.getByTestId("view-only-note").textContent()).toBe(en.roles.viewOnly);

    const kb = new KnowledgePage(page, app.url);
    await open(page, `${app.url}/knowledge/${kbId}`);
    expect(await kb.documents().count()).toBe(1);
    await page.getByTestId("kb-chunk").first().waitFor();
    expect(await page.getByTestId("view-only-note").textContent()).toBe(en.roles.viewOnly);
    for (const control of ["kb-drop", "kb-file-input", "kb-document-delete", "kb-document-retry", "kb-rename", "kb-reembed", "kb-delete", "kb-chunk-edit", "kb-chunk-toggle", "kb-chunk-delete"]) {
      expect(await page.getByTestId(control).count(), control).toBe(0);
    }
    const save = page.getByTestId("kb-save-settings");
    expect(await save.isDisabled()).toBe(true);
    expect(await save.getAttribute("title")).toBe(en.roles.needsEditor);

    // The preview is a "run": a viewer may cut a file with other settings before anyone stores them.
    await page.getByTestId("kb-preview-file").setInputFiles({ name: "draft.md", mimeType: "text/markdown", buffer: Buffer.from(NOTES) });
    await page.getByTestId("kb-preview").click();
    await kb.previewColumns().first().waitFor();
    await screenshot(page, "roles-viewer-kb");

    await page.getByTestId("open-retrieval").click();
    await page.getByTestId("kb-query").waitFor();
    await kb.query("Who manages model providers?");
    expect(await kb.hits().count()).toBeGreaterThan(0);
    await context.close();
  });

  it("lets a viewer compare versions but neither save nor restore one", async () => {
    const context = await contextAs("viewer");
    const versions = new VersionsPage(await context.newPage(), app.url, flowId);
    await versions.open();
    expect(await versions.rows().count()).toBe(versionCount + 1);
    expect(await versions.page.getByTestId("save-version").count()).toBe(0);
    expect(await versions.page.getByTestId("version-note").count()).toBe(0);
    expect(await versions.page.getByTestId("restore-version").count()).toBe(0);
    expect(await versions.page.getByTestId("view-only-note").textContent()).toBe(en.roles.viewOnly);
    await versions.compare(savedVersion, "current");
    await context.close();
  });

  it.each(["viewer", "editor"] as const)("shows a %s the providers read-only, with the note that the owner manages them", async (role) => {
    const context = await contextAs(role);
    const page = await context.newPage();
    await open(page, `${app.url}/settings`);
    await page.getByTestId("provider-ollama-local").waitFor();
    await page.locator('[data-testid^="provider-"]').filter({ hasText: "Team vLLM" }).waitFor();
    expect(await page.getByTestId("providers-owner-only").textContent()).toBe(en.roles.ownerManagesProviders);
    for (const control of ["add-provider", "provider-test", "provider-make-default", "provider-edit", "provider-delete", "provider-form"]) {
      expect(await page.getByTestId(control).count(), control).toBe(0);
    }
    await context.close();
  });

  it("shows an editor every flow and knowledge base control, and no view-only note", async () => {
    const context = await contextAs("editor");
    const page = await context.newPage();
    await open(page, `${app.url}/`);
    for (const control of ["template-select", "rename-flow", "duplicate-flow", "delete-flow"]) expect(await page.getByTestId(control).count(), control).toBe(1);
    expect(await page.getByTestId("view-only-note").count()).toBe(0);

    await open(page, `${app.url}/knowledge`);
    expect(await page.getByTestId("kb-create").count()).toBe(1);
    await open(page, `${app.url}/knowledge/${kbId}`);
    await page.getByTestId("kb-chunk").first().waitFor();
    for (const control of ["kb-drop", "kb-file-input", "kb-document-delete", "kb-rename", "kb-reembed", "kb-delete"]) expect(await page.getByTestId(control).count(), control).toBe(1);
    expect(await page.getByTestId("kb-chunk-edit").count()).toBeGreaterThan(0);
    expect(await page.getByTestId("kb-save-settings").isEnabled()).toBe(true);
    expect(await page.getByTestId("view-only-note").count()).toBe(0);

    const versions = new VersionsPage(page, app.url, flowId);
    await versions.open();
    expect(await page.getByTestId("save-version").isEnabled()).toBe(true);
    expect(await page.getByTestId("restore-version").count()).toBe(versionCount);
    await context.close();
  });

  it("gives the owner the provider controls and no note", async () => {
    const context = await contextAs("owner");
    const page = await context.newPage();
    await open(page, `${app.url}/settings`);
    await page.getByTestId("add-provider").waitFor();
    expect(await page.getByTestId("provider-test").count()).toBe(3);
    expect(await page.getByTestId("provider-edit").count()).toBe(1);
    expect(await page.getByTestId("providers-owner-only").count()).toBe(0);
    await context.close();
  });
});
