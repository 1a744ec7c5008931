import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Browser, BrowserContext, Page, Request } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import en from "@/messages/en.json";
import { starterFlow } from "@/lib/flow/starter";
import type { FlowDocument } from "@/lib/flow/schema";
import { startModelServer } from "../support/model-server";
import { CanvasPage, createFlowViaApi, createKnowledgeBaseViaApi } from "./pages/canvas";
import { startApp, type AppServer } from "./support/app-server";
import { launchBrowser, newContext, describeBrowser } from "./support/browser";
import { json } from "./support/sse";

type ModelServer = Awaited<ReturnType<typeof startModelServer>>;

const QUESTION = "How many days of annual leave do I get?";
const NOTE = "Ask an editor before changing the prompt.";
const HANDBOOK = "# Leave\n\nEvery employee gets fifteen days of annual leave a year.\n";

//  start ──message──▶ prompt ──prompt──▶ llm ──text──▶ answer      (the starter flow)
//    └──message──▶ retriever (the handbook; Document tags: none)     + a sticky note
function viewerFlow(knowledgeBaseId: string): FlowDocument {
  const flow = starterFlow("en");
  flow.nodes.push({ id: "retriever", type: "retriever", position: { x: 280, y: 260 }, data: { knowledgeBaseIds: [knowledgeBaseId], tags: [] } });
  flow.edges.push({ id: "e-start-retriever", source: "start", sourceHandle: "message", target: "retriever", targetHandle: "query" });
  flow.notes = [{ id: "note", position: { x: 0, y: 300 }, text: NOTE, width: 220, height: 140 }];
  return flow;
}

/** The owner invites a viewer through the API; they accept; returns the value of their session cookie. */
async function joinAsViewer(app: AppServer): Promise<string> {
  const invite = await json(`${app.url}/api/v1/invites`, { method: "POST", body: { role: "viewer" } });
  expect(invite.status).toBe(201);
  const token = String(invite.body.url).split("/").pop();
  const res = await fetch(`${app.url}/api/v1/auth/invites/${token}/accept`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: app.url },
    body: JSON.stringify({ name: "Vera Viewer", email: "viewer@canvas.test", password: "viewer-password-1" }),
  });
  expect(res.status).toBe(201);
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith("trellis_session="));
  if (!cookie) throw new Error("accepting the invite set no session cookie");
  return cookie.slice("trellis_session=".length).split(";")[0];
}

/** Where React Flow draws a node (its wrapper's transform), read from the DOM. */
function transformOf(page: Page, id: string): Promise<string> {
  return page.locator(`.react-flow__node[data-id="${id}"]`).evaluate((el) => (el as HTMLElement).style.transform);
}

/** Drags a node by its title bar, the way a person moves it. */
async function dragNode(canvas: CanvasPage, id: string, dx: number, dy: number) {
  const head = await canvas.node(id).locator(".cnode-head").boundingBox();
  if (!head) throw new Error(`node ${id} not visible`);
  const mouse = canvas.page.mouse;
  await mouse.move(head.x + head.width / 2, head.y + head.height / 2);
  await mouse.down();
  await mouse.move(head.x + head.width / 2 + dx, head.y + head.height / 2 + dy, { steps: 12 });
  await mouse.up();
}

/** Every request that would change the flow: a save (PATCH), a delete, a version or a restore. */
function recordWrites(page: Page, flowId: string): string[] {
  const writes: string[] = [];
  const flowPath = `/api/v1/flows/${flowId}`;
  page.on("request", (request: Request) => {
    const { pathname } = new URL(request.url());
    const isRun = pathname.endsWith("/runs") || pathname.includes("/nodes/");
    if (request.method() !== "GET" && pathname.startsWith(flowPath) && !isRun) writes.push(`${request.method()} ${pathname}`);
  });
  return writes;
}

describeBrowser("a viewer's read-only canvas in Chromium", () => {
  let models: ModelServer;
  let app: AppServer;
  let browser: Browser;
  let flowId: string;
  let viewerSession: string;
  const contexts: BrowserContext[] = [];

  async function studioAs(role: "viewer" | "owner"): Promise<CanvasPage> {
    const context = await newContext(browser, "en-US", { signedIn: role === "owner" });
    contexts.push(context);
    if (role === "viewer") await context.addCookies([{ name: "trellis_session", value: viewerSession, url: app.url }]);
    const canvas = new CanvasPage(await context.newPage(), app.url);
    return canvas;
  }

  beforeAll(async () => {
    models = await startModelServer({ tokenDelayMs: 5 });
    app = await startApp({ ollamaBaseUrl: models.url });
    browser = await launchBrowser();
    const dir = mkdtempSync(path.join(tmpdir(), "canvas-viewer-"));
    const file = path.join(dir, "handbook.md");
    writeFileSync(file, HANDBOOK);
    const kb = await createKnowledgeBaseViaApi(app.url, "Handbook", [file]).finally(() => rmSync(dir, { recursive: true, force: true }));
    flowId = await createFlowViaApi(app.url, "Leave policy bot", viewerFlow(kb.id));
    viewerSession = await joinAsViewer(app);
  });
  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await app?.stop();
    await models?.close();
  });

  it("lets a viewer pan, select, read settings and notes, check, chat, run a node and export, and never saves", async () => {
    const canvas = await studioAs("viewer");
    const { page } = canvas;
    const writes = recordWrites(page, flowId);
    const before = (await json(`${app.url}/api/v1/flows/${flowId}`)).body.flow;
    await page.goto(`${app.url}/flows/${flowId}`, { waitUntil: "networkidle" });
    await expect.poll(() => canvas.nodes().count()).toBe(5);

    // The toolbar says "View only" instead of a save state, and offers only fit, export and versions.
    expect(await page.getByTestId("view-only-badge").textContent()).toBe(en.canvas.viewOnly);
    expect(await page.getByTestId("view-only-badge").getAttribute("title")).toBe(en.roles.viewOnly);
    for (const control of ["palette", "undo", "redo", "auto-layout", "import", "import-file", "save-state"]) expect(await page.getByTestId(control).count(), control).toBe(0);
    expect(await page.getByTestId("export").count()).toBe(1);
    expect(await page.getByTestId("versions-link").count()).toBe(1);
    // No handle starts a connection.
    expect(await page.locator(".react-flow__handle").count()).toBeGreaterThan(0);
    expect(await page.locator(".react-flow__handle.connectable").count()).toBe(0);
    // Nor does React Flow's lock button, which would switch dragging back on.
    expect(await page.locator(".react-flow__controls-interactive").count()).toBe(0);

    // Dragging a node leaves it where it was (the drag pans the view instead); a click selects it.
    const llmAt = await transformOf(page, "llm");
    await dragNode(canvas, "llm", 160, 90);
    expect(await transformOf(page, "llm")).toBe(llmAt);
    await canvas.select(canvas.node("llm"));
    await expect.poll(() => page.locator('.react-flow__node.selected[data-id="llm"]').count()).toBe(1);

    // Its settings show, every control disabled.
    await canvas.tab("settings");
    const panel = page.getByTestId("settings-panel");
    expect(await panel.getAttribute("data-node-id")).toBe("llm");
    expect(await page.getByTestId("rename-node").isDisabled()).toBe(true);
    const controls = panel.getByTestId("settings-fields").locator("input, select, textarea, button");
    expect(await controls.count()).toBeGreaterThan(3);
    expect(await controls.evaluateAll((els) => els.filter((el) => !el.matches(":disabled")).map((el) => el.outerHTML))).toEqual([]);
    expect(await page.getByTestId("field-temperature").inputValue()).toBe("0.7");

    // Delete, paste, duplicate, undo and redo from the keyboard change nothing.
    for (const key of ["Delete", "Backspace", "Control+c", "Control+v", "Control+d", "Control+z", "Control+Shift+z", "Control+y"]) await page.keyboard.press(key);
    await expect.poll(() => canvas.nodes().count()).toBe(5);
    expect(await page.locator(".react-flow__edge").count()).toBe(before.graph.edges.length);

    // The retriever's tags list: no "+ add" that works.
    await canvas.select(canvas.node("retriever"));
    await expect.poll(() => panel.getAttribute("data-node-id")).toBe("retriever");
    expect(await page.getByTestId("add-tags").isDisabled()).toBe(true);

    // The note reads, and does not take typing.
    const note = page.getByTestId("canvas-note").locator("textarea");
    expect(await note.inputValue()).toBe(NOTE);
    expect(await note.evaluate((el) => (el as HTMLTextAreaElement).readOnly)).toBe(true);

    // "Run this node" is a run: a viewer may try the prompt with a sample message.
    await canvas.select(canvas.node("prompt"));
    await expect.poll(() => panel.getAttribute("data-node-id")).toBe("prompt");
    await panel.getByTestId("run-node").locator("summary").click();
    await panel.getByTestId("sample-message").fill("hello from a viewer");
    await panel.getByTestId("run-node-button").click();
    await expect.poll(() => panel.getByTestId("run-node-result").textContent(), { timeout: 15_000 }).toContain("hello from a viewer");

    await canvas.tab("checklist");
    await page.getByTestId("checklist-ok").waitFor();

    // The test chat answers from the saved flow (the model server quotes the question back).
    await canvas.ask(QUESTION);
    await expect.poll(async () => (await canvas.lastAnswer().textContent()) ?? "", { timeout: 15_000 }).toContain(QUESTION);
    await expect.poll(() => page.locator('[data-testid="canvas-node"][data-status="succeeded"]').count()).toBe(5);

    const exported = await canvas.exportDocument();
    expect(exported.nodes.map((n) => [n.id, n.position])).toEqual(before.graph.nodes.map((n: FlowDocument["nodes"][number]) => [n.id, n.position]));
    await page.getByRole("toolbar").getByRole("button", { name: en.canvas.fitView }).click();
    await page.waitForTimeout(400);
    await canvas.screenshot("canvas-viewer");

    // Long past the autosave delay: no PATCH (or any other write) went out, and the flow is as it was.
    await page.waitForTimeout(1_200);
    expect(writes).toEqual([]);
    const after = (await json(`${app.url}/api/v1/flows/${flowId}`)).body.flow;
    expect(after.revision).toBe(before.revision);
    expect(after.graph).toEqual(before.graph);
  });

  it("keeps the full editor for the owner: drags save, and a new tag row is saved only once typed into", async () => {
    const canvas = await studioAs("owner");
    const { page } = canvas;
    const writes = recordWrites(page, flowId);
    await page.goto(`${app.url}/flows/${flowId}`, { waitUntil: "networkidle" });
    await expect.poll(() => canvas.nodes().count()).toBe(5);
    expect(await page.getByTestId("view-only-badge").count()).toBe(0);
    for (const control of ["palette", "undo", "auto-layout", "import", "save-state"]) expect(await page.getByTestId(control).count(), control).toBe(1);
    expect(await page.locator(".react-flow__handle.connectable").count()).toBeGreaterThan(0);
    expect(await page.locator(".react-flow__controls-interactive").count()).toBe(1);

    // The same drag moves the node for the owner, and is saved.
    const llmAt = await transformOf(page, "llm");
    await dragNode(canvas, "llm", 160, 96);
    expect(await transformOf(page, "llm")).not.toBe(llmAt);
    await expect.poll(() => canvas.saveState().getAttribute("data-state"), { timeout: 10_000 }).toBe("saved");
    await expect.poll(() => writes.filter((w) => w === `PATCH /api/v1/flows/${flowId}`).length).toBe(1);

    // "+ add" on Document tags opens an empty, focused row, and nothing is saved for it.
    await canvas.select(canvas.node("retriever"));
    await canvas.tab("settings");
    await page.getByTestId("add-tags").click();
    const row = page.getByTestId("new-row").locator("input");
    expect(await row.inputValue()).toBe("");
    expect(await row.evaluate((el) => el === document.activeElement)).toBe(true);
    await page.waitForTimeout(1_200);
    expect(writes).toHaveLength(1);
    expect(await canvas.saveState().getAttribute("data-state")).toBe("saved");

    // Typing saves the tag; the input keeps the focus as its row joins the list.
    await page.keyboard.type("人事");
    const tags = page.getByTestId("field-tags").locator("input");
    await expect.poll(() => tags.count()).toBe(1);
    expect(await tags.first().evaluate((el) => el === document.activeElement)).toBe(true);
    await expect.poll(async () => (await json(`${app.url}/api/v1/flows/${flowId}`)).body.flow.graph.nodes.find((n: { id: string }) => n.id === "retriever").data.tags, { timeout: 10_000 }).toEqual(["人事"]);

    // Erased and left, the row goes, and the tags are saved as none.
    await tags.first().fill("");
    await page.getByTestId("rename-node").focus();
    await expect.poll(() => tags.count()).toBe(0);
    await expect.poll(async () => (await json(`${app.url}/api/v1/flows/${flowId}`)).body.flow.graph.nodes.find((n: { id: string }) => n.id === "retriever").data.tags, { timeout: 10_000 }).toEqual([]);
    await expect.poll(() => canvas.saveState().getAttribute("data-state"), { timeout: 10_000 }).toBe("saved");
  });
});
