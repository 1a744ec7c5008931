import { writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Browser, BrowserContext } from "playwright-core";
import { startModelServer } from "../support/model-server";
import { CanvasPage, createFlowViaApi, createKnowledgeBaseViaApi } from "./pages/canvas";
import { startApp, type AppServer } from "./support/app-server";
import { launchBrowser, newContext, describeBrowser } from "./support/browser";

type ModelServer = Awaited<ReturnType<typeof startModelServer>>;

/** The knowledge the flow answers from, uploaded over the API before the test drives the studio. */
const FIXTURE = "/work/shared/fixtures/docs/zh/statistics-law-2024-09-13.md";
const KB_NAME = "统计法规";
const QUESTION = "统计的基本任务是什么？";

/** The nodes the person drags in, with where they drop them (canvas pixels). */
const PIPELINE = [
  { type: "start", x: 20, y: 160 },
  { type: "prompt", x: 230, y: 20 },
  { type: "retriever", x: 230, y: 300 },
  { type: "llm", x: 440, y: 160 },
  { type: "answer", x: 650, y: 200 },
];
const WIRES: [string, string, string, string][] = [
  ["start", "message", "retriever", "query"],
  ["start", "message", "prompt", "message"],
  ["retriever", "context", "prompt", "context"],
  ["prompt", "prompt", "llm", "prompt"],
  ["retriever", "documents", "llm", "documents"],
  ["llm", "text", "answer", "text"],
  ["llm", "citations", "answer", "citations"],
];

describeBrowser("the canvas studio in Chromium", () => {
  let models: ModelServer;
  let app: AppServer;
  let browser: Browser;
  let kb: { id: string; name: string };
  const contexts: BrowserContext[] = [];

  async function studio(locale: "en-US" | "zh-CN" = "en-US") {
    const context = await newContext(browser, locale);
    contexts.push(context);
    return new CanvasPage(await context.newPage(), app.url);
  }

  beforeAll(async () => {
    models = await startModelServer({ tokenDelayMs: 20 });
    app = await startApp({ ollamaBaseUrl: models.url });
    browser = await launchBrowser();
    kb = await createKnowledgeBaseViaApi(app.url, KB_NAME, [FIXTURE]);
  }, 180_000);
  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await app?.stop();
    await models?.close();
  });

  it("builds a knowledge-base flow from an empty canvas with the palette, picks the knowledge base, runs it, cites the document and traces every node", async () => {
    const canvas = await studio();
    const { page } = canvas;
    await canvas.open(await createFlowViaApi(app.url, "Canvas bot"));
    await expect.poll(() => canvas.nodes().count()).toBe(4);

    // Empty the canvas: box-select the starter nodes and delete them with the keyboard.
    const pane = await canvas.pane().boundingBox();
    await canvas.boxSelect(4, 4, pane!.width - 4, pane!.height * 0.62);
    await expect.poll(() => page.locator(".react-flow__node.selected").count()).toBe(4);
    await page.keyboard.press("Delete");
    await expect.poll(() => canvas.nodes().count()).toBe(0);
    // An empty flow is invalid: it is not saved, and says so.
    await expect.poll(() => canvas.saveState().getAttribute("data-state")).toBe("invalid");
    expect(await canvas.saveState().textContent()).toMatch(/Not saved: \d+ problems?/);

    for (const { type, x, y } of PIPELINE) await canvas.dragFromPalette(type, x, y);
    await expect.poll(() => canvas.nodes().count()).toBe(PIPELINE.length);
    // The template first: its {{context}} variable is what gives the prompt a "context" input to wire.
    await canvas.select(canvas.nodeOfType("prompt"));
    await page.getByTestId("field-template").fill("Answer briefly: {{message}}\nContext:\n{{context}}");
    await expect.poll(() => canvas.nodeOfType("prompt").getByTestId("handle-in-context").count()).toBe(1);
    // The retriever's picker lists the knowledge bases from the API; tick the uploaded one.
    await canvas.select(canvas.nodeOfType("retriever"));
    await page.getByTestId("field-knowledgeBaseIds").getByLabel(KB_NAME).check();
    for (const [from, fromPort, to, toPort] of WIRES) await canvas.connect(canvas.nodeOfType(from), fromPort, canvas.nodeOfType(to), toPort);
    await expect.poll(() => canvas.edges().count()).toBe(WIRES.length);

    await expect.poll(() => canvas.saveState().getAttribute("data-state"), { timeout: 10_000 }).toBe("saved");
    await expect.poll(() => page.locator('[data-testid="problem-badge"]').count()).toBe(0);
    const saved = await canvas.exportDocument();
    expect(saved.nodes.find((n) => n.type === "retriever")?.data).toMatchObject({ knowledgeBaseIds: [kb.id] });
    await canvas.screenshot("canvas");

    await canvas.ask(QUESTION);
    await expect.poll(async () => (await canvas.lastAnswer().textContent()) ?? "", { timeout: 15_000 }).toContain(`Answer briefly: ${QUESTION}`);
    // The answer cites the uploaded document: the LLM hands on the retriever's passages as citations.
    const sources = canvas.lastAnswer().getByTestId("sources");
    await expect.poll(() => sources.count(), { timeout: 15_000 }).toBe(1);
    await sources.locator("summary").click();
    expect(await sources.locator("li strong").first().textContent()).toBe(path.basename(FIXTURE));
    expect(await sources.locator("li").first().textContent()).toMatch(/统计/);
    await expect.poll(() => page.locator('[data-testid="trace-step"][data-status="succeeded"]').count()).toBe(PIPELINE.length);
    // Statuses show on the canvas nodes too.
    await expect.poll(() => page.locator('[data-testid="canvas-node"][data-status="succeeded"]').count()).toBe(PIPELINE.length);

    // Clicking the LLM's step selects and highlights its node on the canvas.
    const llmId = await canvas.idOf("llm");
    await page.locator(`[data-testid="trace-step"][data-node-id="${llmId}"] summary`).click();
    await expect.poll(() => canvas.node(llmId).getAttribute("class")).toContain("highlighted");
    expect(await page.locator(`.react-flow__node.selected[data-id="${llmId}"]`).count()).toBe(1);
    expect(await page.locator(`[data-testid="trace-step"][data-node-id="${llmId}"]`).textContent()).toMatch(/ms/);
    await canvas.screenshot("canvas-test-panel-trace");
  });

  it("refuses an incompatible connection and says why", async () => {
    const canvas = await studio();
    await canvas.open(await createFlowViaApi(app.url, "Refusals"));
    await canvas.connect(canvas.node("start"), "history", canvas.node("answer"), "text");
    const toast = canvas.page.getByTestId("connection-refused");
    await expect.poll(() => toast.textContent()).toBe('Chat messages cannot go into a Text input ("text").');
    expect(await canvas.edges().count()).toBe(5);
  });

  it("undoes and redoes to the exact graph, and copies and pastes nodes", async () => {
    const canvas = await studio();
    const { page } = canvas;
    await canvas.open(await createFlowViaApi(app.url, "Undo"));
    const original = await canvas.exportDocument();

    await canvas.select(canvas.node("llm"));
    await page.keyboard.press("Delete");
    await expect.poll(() => canvas.nodes().count()).toBe(3);
    const deleted = await canvas.exportDocument();
    expect(deleted.edges.map((e) => e.id)).toEqual(["e-start-prompt"]);

    await canvas.focusCanvas();
    await page.keyboard.press("Control+z");
    await expect.poll(() => canvas.nodes().count()).toBe(4);
    expect(await canvas.exportDocument()).toEqual(original);
    await page.keyboard.press("Control+Shift+z");
    await expect.poll(() => canvas.nodes().count()).toBe(3);
    expect(await canvas.exportDocument()).toEqual(deleted);
    await page.keyboard.press("Control+z");
    await page.keyboard.press("Control+y");
    expect(await canvas.exportDocument()).toEqual(deleted);
    await page.keyboard.press("Control+z");
    expect(await canvas.exportDocument()).toEqual(original);

    // A drag is one step, restored to the exact position.
    const head = await canvas.node("start").locator(".cnode-head").boundingBox();
    await page.mouse.move(head!.x + 20, head!.y + 8);
    await page.mouse.down();
    await page.mouse.move(head!.x + 80, head!.y + 120, { steps: 15 });
    await page.mouse.up();
    const moved = await canvas.exportDocument();
    expect(moved.nodes.find((n) => n.id === "start")?.position).not.toEqual(original.nodes.find((n) => n.id === "start")?.position);
    await page.keyboard.press("Control+z");
    expect(await canvas.exportDocument()).toEqual(original);

    // Copy and paste: a new prompt with a fresh id, selected; the original is untouched.
    await canvas.select(canvas.node("prompt"));
    await page.keyboard.press("Control+c");
    await page.keyboard.press("Control+v");
    await expect.poll(() => canvas.nodeOfType("prompt").count()).toBe(2);
    const pasted = await canvas.exportDocument();
    const copy = pasted.nodes.find((n) => n.type === "prompt" && n.id !== "prompt");
    expect(copy?.data).toEqual(original.nodes.find((n) => n.id === "prompt")?.data);
    await page.keyboard.press("Control+d");
    await expect.poll(() => canvas.nodeOfType("prompt").count()).toBe(3);
  });

  it("exports a flow and imports it back to the same flow", async () => {
    const canvas = await studio();
    await canvas.open(await createFlowViaApi(app.url, "Round trip"));
    await canvas.select(canvas.node("llm"));
    await canvas.page.getByTestId("rename-node").fill("回答模型");
    const exported = await canvas.exportDocument();
    expect(exported.nodes.find((n) => n.id === "llm")?.label).toBe("回答模型");
    const file = path.join(tmpdir(), `trellis-export-${Date.now()}.json`);
    await writeFile(file, JSON.stringify(exported));

    await canvas.select(canvas.node("prompt"));
    await canvas.page.keyboard.press("Delete");
    await expect.poll(() => canvas.nodes().count()).toBe(3);
    await canvas.importFile(file);
    await expect.poll(() => canvas.nodes().count()).toBe(4);
    expect(await canvas.exportDocument()).toEqual(exported);

    const notAFlow = path.join(tmpdir(), `trellis-not-a-flow-${Date.now()}.json`);
    await writeFile(notAFlow, JSON.stringify({ hello: "world" }));
    await canvas.importFile(notAFlow);
    await expect.poll(() => canvas.page.getByTestId("studio-message").textContent()).toContain("not a Trellis flow");
    expect(await canvas.exportDocument()).toEqual(exported);
  });

  it("refuses a stale save from a second tab instead of overwriting", async () => {
    const id = await createFlowViaApi(app.url, "Two tabs");
    const first = await studio();
    const second = await studio();
    await first.open(id);
    await second.open(id);
    await first.select(first.node("llm"));
    await first.page.getByTestId("rename-node").fill("Tab one");
    await expect.poll(() => first.saveState().getAttribute("data-state"), { timeout: 10_000 }).toBe("saved");
    await second.select(second.node("llm"));
    await second.page.getByTestId("rename-node").fill("Tab two");
    await expect.poll(() => second.saveState().getAttribute("data-state"), { timeout: 10_000 }).toBe("conflict");
    expect(await second.page.getByTestId("conflict").textContent()).toContain("changed in another tab");
    await second.page.getByTestId("reload-theirs").click();
    await expect.poll(() => second.node("llm").locator(".cnode-title").textContent()).toBe("Tab one");
  });

  it("speaks Chinese to a zh-CN browser", async () => {
    const canvas = await studio("zh-CN");
    const { page } = canvas;
    await canvas.open(await createFlowViaApi(app.url, "中文流程"));
    expect(await page.getByTestId("palette-start").locator(".palette-label").textContent()).toBe("开始");
    expect(await page.getByTestId("tab-test").textContent()).toBe("测试");
    expect(await canvas.node("llm").locator(".cnode-title").textContent()).toBe("大模型");
    await canvas.connect(canvas.node("start"), "history", canvas.node("answer"), "text");
    await expect.poll(() => page.getByTestId("connection-refused").textContent()).toBe("对话消息不能接入文本类型的输入（“text”）。");
    await canvas.select(canvas.node("llm"));
    expect(await page.locator('label[for$="-temperature"]').textContent()).toContain("温度");
    await page.getByTestId("field-temperature").fill("5");
    await expect.poll(() => page.getByTestId("field-error").first().textContent()).toContain("不能大于 2");
    await expect.poll(() => canvas.saveState().getAttribute("data-state"), { timeout: 5000 }).toBe("invalid");
    expect(await canvas.saveState().textContent()).toMatch(/^未保存：有 \d+ 个问题$/);
    await canvas.screenshot("canvas-zh");
  });
});
