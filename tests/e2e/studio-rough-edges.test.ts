import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, expect, it } from "vitest";
import type { BrowserContext, Page } from "playwright-core";
import type { FlowDocument } from "@/lib/flow/schema";
import { CanvasPage, createKnowledgeBaseViaApi } from "./pages/canvas";
import { KnowledgePage, screenshot } from "./pages/knowledge";
import { VersionsPage } from "./pages/versions";
import { authFetch } from "./support/auth";
import { describeBrowser, newContext } from "./support/browser";
import { withStudio, type Studio } from "./support/studio";

/**
 * Issue 15, in a Chinese browser: what a new user tripped over, each reproduced and now fixed —
 * broken references, an empty retriever, leaving with unsaved edits, an unreadable canvas, ids
 * instead of names, and Traditional questions.
 */
const FIXTURE = "/work/shared/fixtures/docs/zh/statistics-law-2024-09-13.md";
const TEMPLATES = ["starter", "kb-qa", "topic-router", "http-summary"];

let studio: Studio;
withStudio({ tokenDelayMs: 0 }, (s) => (studio = s));

const contexts: BrowserContext[] = [];
afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => undefined);
});

async function zhPage(): Promise<Page> {
  const context = await newContext(studio.browser, "zh-CN");
  contexts.push(context);
  return context.newPage();
}

async function api<T>(url: string, init: RequestInit & { json?: unknown } = {}): Promise<{ status: number; body: T }> {
  const { json, ...rest } = init;
  const res = await authFetch(`${studio.app.url}${url}`, {
    ...rest,
    headers: { "Accept-Language": "zh-CN", ...(json !== undefined ? { "Content-Type": "application/json" } : {}), ...(rest.headers ?? {}) },
    body: json !== undefined ? JSON.stringify(json) : rest.body,
  });
  return { status: res.status, body: (res.status === 204 ? null : await res.json()) as T };
}

async function flowFromTemplate(name: string, templateId: string): Promise<{ id: string; graph: FlowDocument; revision: number }> {
  const { status, body } = await api<{ flow: { id: string; graph: FlowDocument; revision: number } }>("/api/v1/flows", { method: "POST", json: { name, templateId } });
  expect(status).toBe(201);
  return body.flow;
}

/** Points the flow's retriever at knowledge bases (a save through the API, as an API user would). */
async function useKnowledgeBases(flow: { id: string; graph: FlowDocument; revision: number }, ids: string[]) {
  const graph = structuredClone(flow.graph);
  for (const node of graph.nodes) if (node.type === "retriever") node.data = { ...node.data, knowledgeBaseIds: ids };
  const saved = await api<{ flow: { graph: FlowDocument; revision: number }; problems: { code: string; message: string }[] }>(`/api/v1/flows/${flow.id}`, {
    method: "PATCH",
    json: { graph, expectedRevision: flow.revision },
  });
  expect(saved.status).toBe(200);
  Object.assign(flow, saved.body.flow);
  return saved.body.problems;
}

describeBrowser("references a flow holds (knowledge bases)", () => {
  it("an empty retriever is a checklist problem and the save answer says so; a run refuses it by name", async () => {
    const flow = await flowFromTemplate("空检索机器人", "kb-qa");
    const problems = await useKnowledgeBases(flow, []);
    expect(problems.map((p) => p.code)).toEqual(["knowledge-base-unset"]);
    expect(problems[0].message).toContain("没有选择知识库");

    const page = await zhPage();
    const canvas = new CanvasPage(page, studio.app.url);
    await canvas.open(flow.id);
    await canvas.tab("checklist");
    await expect.poll(() => page.getByTestId("checklist-item").allTextContents()).toEqual([expect.stringContaining("没有选择知识库")]);
    expect(await page.getByTestId("tab-checklist").textContent()).toContain("(1)");
    await canvas.screenshot("rough-edges-empty-retriever-checklist");

    const run = await api<{ error: { code: string; message: string } }>(`/api/v1/flows/${flow.id}/runs`, { method: "POST", json: { message: "统计的基本任务是什么？", stream: false } });
    expect(run.status).toBe(400);
    expect(run.body.error.code).toBe("flow_not_runnable");
    expect(run.body.error.message).toContain("没有选择知识库");
  });

  it("deleting a knowledge base a flow uses names the flow and asks; afterwards the checklist and a run name what is missing", async () => {
    const kb = await createKnowledgeBaseViaApi(studio.app.url, "统计法规库", [FIXTURE]);
    const flow = await flowFromTemplate("法规问答机器人", "kb-qa");
    expect(await useKnowledgeBases(flow, [kb.id])).toEqual([]);

    // The API refuses without confirmation and says who uses it.
    const refused = await api<{ error: { code: string; message: string; details: { usedBy: { kind: string; name: string }[] } } }>(`/api/v1/knowledge-bases/${kb.id}`, { method: "DELETE" });
    expect(refused.status).toBe(409);
    expect(refused.body.error.details.usedBy).toEqual([{ kind: "flow", id: flow.id, name: "法规问答机器人" }]);
    expect(refused.body.error.message).toContain("法规问答机器人");

    const page = await zhPage();
    const knowledge = new KnowledgePage(page, studio.app.url);
    await knowledge.openKnowledgeBase(kb.id);
    await page.waitForLoadState("networkidle");
    // The first confirmation is dismissed: nothing is deleted.
    const dismissed = new Promise<string>((resolve) => page.once("dialog", (d) => (resolve(d.message()), void d.dismiss())));
    await page.getByTestId("kb-delete").click();
    const question = await dismissed;
    expect(question).toContain("法规问答机器人");
    expect(question).toContain("无法运行");
    expect((await api(`/api/v1/knowledge-bases/${kb.id}`)).status).toBe(200);
    // The second is accepted.
    page.once("dialog", (d) => void d.accept());
    await page.getByTestId("kb-delete").click();
    await page.waitForURL(/\/knowledge$/);
    expect((await api(`/api/v1/knowledge-bases/${kb.id}`)).status).toBe(404);

    const canvas = new CanvasPage(page, studio.app.url);
    await canvas.open(flow.id);
    await canvas.tab("checklist");
    await expect.poll(() => page.getByTestId("checklist-item").allTextContents()).toEqual([expect.stringContaining("使用的知识库已不存在")]);
    // The retriever's settings show the deleted one, ticked, so it can be removed.
    await page.getByTestId("checklist-item").first().click();
    await canvas.tab("settings");
    await expect.poll(() => page.getByTestId("kb-missing").textContent()).toContain("已删除的知识库");
    await canvas.screenshot("rough-edges-deleted-kb-settings");

    // A run fails with that message instead of answering without sources.
    await canvas.ask("统计的基本任务是什么？");
    await expect.poll(() => page.getByTestId("test-panel").textContent(), { timeout: 15_000 }).toContain("使用的知识库已不存在");
    await canvas.screenshot("rough-edges-deleted-kb-run");
    const run = await api<{ error: { message: string } }>(`/api/v1/flows/${flow.id}/runs`, { method: "POST", json: { message: "你好", stream: false } });
    expect(run.status).toBe(400);
    expect(run.body.error.message).toContain(kb.id.slice(0, 8));
  });
});

describeBrowser("unsaved work", () => {
  it("leaving with a blocked autosave warns; the draft stays in the browser and comes back with a banner", async () => {
    const flow = await flowFromTemplate("草稿测试", "starter");
    const page = await zhPage();
    const canvas = new CanvasPage(page, studio.app.url);
    await canvas.open(flow.id);
    await page.waitForLoadState("networkidle");
    const before = await canvas.nodes().count();
    // A click on the palette adds the node where nothing is.
    await page.getByTestId("palette-http-request").click();
    await expect.poll(() => canvas.nodes().count()).toBe(before + 1);
    const boxes = await canvas.nodes().evaluateAll((els) => els.map((el) => el.getBoundingClientRect()).map((r) => ({ x: r.x, y: r.y, w: r.width, h: r.height })));
    const added = boxes[boxes.length - 1];
    for (const other of boxes.slice(0, -1)) {
      const apart = added.x >= other.x + other.w || other.x >= added.x + added.w || added.y >= other.y + other.h || other.y >= added.y + added.h;
      expect(apart).toBe(true);
    }
    await expect.poll(() => canvas.saveState().getAttribute("data-state")).toBe("invalid");

    // "← 全部流程": asked first; staying keeps the page.
    const asked = new Promise<string>((resolve) => page.once("dialog", (d) => (resolve(d.message()), void d.dismiss())));
    await page.getByRole("link", { name: /全部流程/ }).click();
    expect(await asked).toContain("未保存");
    expect(page.url()).toContain(`/flows/${flow.id}`);
    await canvas.screenshot("rough-edges-leave-blocked");

    // Leaving anyway, then coming back: the unsaved node is restored, with a banner.
    page.once("dialog", (d) => void d.accept());
    await page.getByRole("link", { name: /全部流程/ }).click();
    await page.waitForURL(`${studio.app.url}/`);
    await canvas.open(flow.id);
    await expect.poll(() => page.getByTestId("draft-restored").textContent()).toContain("已从此浏览器恢复");
    await expect.poll(() => canvas.nodeOfType("http-request").count()).toBe(1);
    await canvas.screenshot("rough-edges-draft-restored");
    // The server still has the flow without it; discarding goes back to that.
    await page.getByTestId("discard-draft").click();
    await expect.poll(() => canvas.nodeOfType("http-request").count()).toBe(0);
    await expect.poll(() => page.getByTestId("draft-restored").count()).toBe(0);
  });

  it("leaving with valid edits still pending saves them first, without asking", async () => {
    const flow = await flowFromTemplate("待保存测试", "starter");
    const page = await zhPage();
    const canvas = new CanvasPage(page, studio.app.url);
    await canvas.open(flow.id);
    await page.waitForLoadState("networkidle");
    let asked = false;
    page.on("dialog", (d) => ((asked = true), void d.dismiss()));
    // A sticky note: a valid edit, saved by autosave ~800 ms later — the link comes first.
    await page.getByTestId("palette-note").click();
    await page.getByRole("link", { name: /全部流程/ }).click();
    await page.waitForURL(`${studio.app.url}/`);
    expect(asked).toBe(false);
    const saved = await api<{ flow: { graph: FlowDocument } }>(`/api/v1/flows/${flow.id}`);
    expect(saved.body.flow.graph.notes?.length).toBe(1);
  });
});

/** React Flow's zoom, from the viewport's transform. */
const zoomOf = (page: Page) => page.locator(".react-flow__viewport").evaluate((el) => new DOMMatrix(getComputedStyle(el).transform).a);

/** Every drawn edge sampled along its path, checked against every node it does not connect. */
function edgesUnderNodes(page: Page) {
  return page.evaluate(() => {
    const rects = new Map([...document.querySelectorAll<HTMLElement>(".react-flow__node")].map((el) => [el.dataset.id ?? "", el.getBoundingClientRect()]));
    const out: string[] = [];
    for (const edge of document.querySelectorAll<SVGGElement>(".react-flow__edge")) {
      const pathEl = edge.querySelector<SVGPathElement>("path.react-flow__edge-path");
      const id = edge.getAttribute("data-testid") ?? edge.id;
      const label = edge.getAttribute("aria-label") ?? "";
      if (!pathEl) continue;
      const matrix = pathEl.getScreenCTM();
      if (!matrix) continue;
      const length = pathEl.getTotalLength();
      const ends = [...rects.keys()].filter((nodeId) => id.includes(nodeId) || label.includes(nodeId));
      for (let i = 1; i < 40; i++) {
        const p = pathEl.getPointAtLength((length * i) / 40).matrixTransform(matrix);
        for (const [nodeId, r] of rects) {
          if (ends.includes(nodeId)) continue;
          if (p.x > r.left + 2 && p.x < r.right - 2 && p.y > r.top + 2 && p.y < r.bottom - 2) out.push(`${id} under ${nodeId}`);
        }
      }
    }
    return [...new Set(out)];
  });
}

describeBrowser("a readable canvas", () => {
  it.each(TEMPLATES)("template %s: fit-to-view keeps labels legible, auto-layout leaves no edge under a node", async (templateId) => {
    const flow = await flowFromTemplate(`模板 ${templateId}`, templateId);
    const page = await zhPage();
    const canvas = new CanvasPage(page, studio.app.url);
    await canvas.open(flow.id);
    await page.waitForLoadState("networkidle");
    await page.waitForTimeout(400);
    const zoom = await zoomOf(page);
    expect(zoom).toBeGreaterThanOrEqual(0.75 - 1e-6);
    // The port labels, as large as they are drawn on screen.
    const portPx = await page.locator(".cport").first().evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
    expect(portPx * zoom).toBeGreaterThanOrEqual(9);
    const titlePx = await page.locator(".cnode-title").first().evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
    expect(titlePx * zoom).toBeGreaterThanOrEqual(9.75);
    await canvas.screenshot(`rough-edges-fit-${templateId}`);

    await page.getByTestId("auto-layout").click();
    await page.waitForTimeout(800);
    expect(await zoomOf(page)).toBeGreaterThanOrEqual(0.75 - 1e-6);
    expect(await edgesUnderNodes(page)).toEqual([]);
    await canvas.screenshot(`rough-edges-layout-${templateId}`);
  });

  it("zoomed out to the simplified drawing, node titles stay readable", async () => {
    const flow = await flowFromTemplate("缩小查看", "kb-qa");
    const page = await zhPage();
    const canvas = new CanvasPage(page, studio.app.url);
    await canvas.open(flow.id);
    await page.waitForLoadState("networkidle");
    const pane = (await canvas.pane().boundingBox())!;
    await page.mouse.move(pane.x + pane.width / 2, pane.y + pane.height / 2);
    for (let i = 0; i < 30 && (await zoomOf(page)) > 0.4; i++) {
      await page.mouse.wheel(0, 80);
      await page.waitForTimeout(100);
    }
    const zoom = await zoomOf(page);
    expect(zoom).toBeLessThan(0.5);
    await expect.poll(() => page.locator(".cnode.compact").count()).toBeGreaterThan(0);
    await page.waitForTimeout(200);
    const titlePx = await page.locator(".cnode.compact .cnode-head").first().evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
    expect(titlePx * zoom).toBeGreaterThanOrEqual(10);
    await canvas.screenshot("rough-edges-zoomed-out");
  });
});

describeBrowser("names, not ids", () => {
  it("the version diff names knowledge bases and connections by what people see", async () => {
    const [a, b] = [await createKnowledgeBaseViaApi(studio.app.url, "员工手册", [FIXTURE]), await createKnowledgeBaseViaApi(studio.app.url, "报销制度", [FIXTURE])];
    const flow = await flowFromTemplate("版本对比机器人", "kb-qa");
    await useKnowledgeBases(flow, [a.id]);
    const saved = await api<{ version: { version: number } }>(`/api/v1/flows/${flow.id}/versions`, { method: "POST", json: { note: "手册版" } });
    expect(saved.status).toBe(201);
    const graph = structuredClone(flow.graph);
    for (const node of graph.nodes) if (node.type === "retriever") node.data = { ...node.data, knowledgeBaseIds: [b.id] };
    // And one connection less: the chat history no longer reaches the LLM.
    graph.edges = graph.edges.filter((e) => e.targetHandle !== "history");
    expect((await api(`/api/v1/flows/${flow.id}`, { method: "PATCH", json: { graph, expectedRevision: flow.revision } })).status).toBe(200);

    const page = await zhPage();
    const versions = new VersionsPage(page, studio.app.url, flow.id);
    await versions.open();
    await versions.compare(saved.body.version.version, "current");
    const lines = (await versions.diffLines().allTextContents()).join("\n");
    expect(lines).toContain("“员工手册” → “报销制度”");
    expect(lines).toMatch(/删除连线：开始（[^）]+） → 大模型（[^）]+）/);
    expect(lines).not.toContain(a.id.slice(0, 8));
    expect(lines).not.toContain(b.id.slice(0, 8));
    expect(lines).not.toMatch(/\.\w+ →|→ [^\n]*\.\w+$/m);
    await screenshot(page, "rough-edges-version-diff", "compare-result");
  });

  it("the knowledge-base form offers the configured providers; retriever settings show the defaults in force", async () => {
    const page = await zhPage();
    await page.goto(`${studio.app.url}/knowledge`, { waitUntil: "networkidle" });
    await page.locator("details summary").first().click();
    const options = await page.getByTestId("kb-provider").locator("option").allTextContents();
    expect(options.some((o) => o.includes("默认"))).toBe(true);
    expect(options).toContain("Ollama（本机）");
    expect(options.some((o) => o.startsWith("离线"))).toBe(true);

    const flow = await flowFromTemplate("默认值查看", "kb-qa");
    const canvas = new CanvasPage(page, studio.app.url);
    await canvas.open(flow.id);
    await canvas.select(canvas.nodeOfType("retriever"));
    await canvas.tab("settings");
    expect(await page.getByTestId("field-topK").getAttribute("placeholder")).toBe("5");
    expect(await page.getByTestId("field-scoreThreshold").getAttribute("placeholder")).toBe("0");
    expect(await page.getByTestId("field-mode").locator("option:checked").textContent()).toBe("混合（向量 + 关键词）");
    await canvas.screenshot("rough-edges-retriever-defaults");
  });
});

describeBrowser("Traditional and Simplified Chinese", () => {
  it("a Traditional question finds the chunk its Simplified twin finds, with the model server's embeddings", async () => {
    // One article per file, so each is its own chunk.
    const dir = await mkdtemp(path.join(tmpdir(), "trellis-zh-"));
    const articles = [
      "第十五条 国家支持民营经济组织参与国家重大战略和重大工程，引导民营经济组织在推动科技创新中积极发挥作用。",
      "第十六条 支持民营经济组织参与国家重大战略、重大规划、重大工程实施，在战略性新兴产业、未来产业等领域投资和创业。",
      "第三十条 县级以上地方人民政府应当完善企业服务体系，为民营经济组织提供法律政策咨询、融资对接等服务。",
      // Shares with the question only what both scripts write alike (可以, 哪些, 重大, 工程).
      "第九条 哪些工程可以和重大工程一起申报？可以：重大工程和哪些配套工程可以一起申报，由申报单位决定。",
    ];
    const files = await Promise.all(articles.map(async (text, i) => {
      const file = path.join(dir, `条文${i + 1}.txt`);
      await writeFile(file, text);
      return file;
    }));
    const kb = await createKnowledgeBaseViaApi(studio.app.url, "民营经济", files);
    const status = await api<{ defaultProvider: { id: string } }>("/api/v1/status");
    expect(status.body.defaultProvider.id).toBe("ollama-local");

    const page = await zhPage();
    const knowledge = new KnowledgePage(page, studio.app.url);
    await knowledge.openRetrieval(kb.id);
    await page.waitForLoadState("networkidle");
    await page.getByTestId("kb-query-mode").selectOption("vector");
    const top = async (question: string) => {
      await Promise.all([page.waitForResponse((r) => r.url().includes(`/knowledge-bases/${kb.id}/retrieve`)), knowledge.query(question)]);
      await page.waitForTimeout(300);
      return knowledge.hits().first().textContent();
    };
    const simplified = await top("民营经济组织可以参与哪些国家重大规划和工程实施？");
    expect(simplified).toContain("第十六条");
    const traditional = await top("民營經濟組織可以參與哪些國家重大規劃和工程實施？");
    expect(traditional).toContain("第十六条");
    await screenshot(page, "rough-edges-traditional-question");
  });
});
