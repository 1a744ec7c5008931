import { writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, it } from "vitest";
import type { Browser } from "playwright-core";
import type { FlowDocument } from "@/lib/flow/schema";
import type { ModelServer } from "../support/model-server";
import { CanvasPage, createFlowViaApi } from "./pages/canvas";
import type { AppServer } from "./support/app-server";
import { newContext, screenshotDir, describeBrowser } from "./support/browser";
import { json } from "./support/sse";
import { withStudio } from "./support/studio";

/**
 * C4: importing, opening, editing, autosaving, versioning and exporting a flow has no side
 * effects. The imported flow has an HTTP node aimed at a canary host and an LLM node on the
 * test model server: had anything run the flow, the model server (a provider on loopback, which
 * the app may call) would have seen a chat request and a run would exist; the browser must not
 * touch the canary URL either. (The server never reaches the canary: the SSRF guard would stop
 * a run first, so the model server and the runs list are the detectors.)
 */
describeBrowser("C4 importing and opening a flow runs nothing", () => {
  let models: ModelServer;
  let app: AppServer;
  let browser: Browser;
  withStudio({ tokenDelayMs: 1 }, (studio) => ({ models, app, browser } = studio));

  it("C4 a flow with an HTTP node aimed at a canary host and an LLM node is imported, opened, edited, versioned and exported: no model request, no run, no browser request leaves the app", async () => {
    const template = await json(`${app.url}/api/v1/flows`, { method: "POST", body: { name: "source", templateId: "http-summary" } });
    expect(template.status).toBe(201);
    const graph = template.body.flow.graph as FlowDocument;
    const httpNode = graph.nodes.find((n) => n.type === "http-request")!;
    const canaryUrl = "https://canary.example/repos/{{owner}}/{{repo}}";
    httpNode.data = { ...httpNode.data, url: canaryUrl };
    expect(graph.nodes.some((n) => n.type === "llm")).toBe(true);
    const file = path.join(tmpdir(), `trellis-canary-${Date.now()}.json`);
    await writeFile(file, JSON.stringify(graph));

    const flowId = await createFlowViaApi(app.url, "导入金丝雀");
    const context = await newContext(browser, "en-US");
    const canvas = new CanvasPage(await context.newPage(), app.url);
    const browserRequests: string[] = [];
    canvas.page.on("request", (request) => browserRequests.push(request.url()));
    await canvas.open(flowId);
    await canvas.importFile(file);
    await expect.poll(() => canvas.nodes().count()).toBe(graph.nodes.length);
    // Select every node so its settings form renders, then let autosave and validation run.
    for (const node of graph.nodes) await canvas.select(canvas.node(node.id));
    await expect.poll(async () => (await json(`${app.url}/api/v1/flows/${flowId}`)).body.flow.graph.nodes.length, { timeout: 10_000 }).toBe(graph.nodes.length);
    const saved = (await json(`${app.url}/api/v1/flows/${flowId}`)).body.flow.graph as FlowDocument;
    expect(saved.nodes.find((n) => n.type === "http-request")?.data.url).toBe(canaryUrl);
    expect((await json(`${app.url}/api/v1/flows/${flowId}/versions`, { method: "POST", body: { note: "imported" } })).status).toBe(201);
    await canvas.page.goto(`${app.url}/flows/${flowId}/versions`);
    await canvas.page.waitForLoadState("networkidle");
    await canvas.open(flowId);
    await canvas.exportDocument();
    await canvas.page.screenshot({ path: path.join(screenshotDir, "c4-imported-canary-flow.png") });

    expect(browserRequests.filter((u) => !u.startsWith(app.url))).toEqual([]);
    expect(browserRequests.some((u) => u.includes("canary.example"))).toBe(false);
    expect(models.requests.filter((r) => /\/api\/chat|\/v1\/chat|\/api\/embed/.test(r.path))).toEqual([]);
    expect((await json(`${app.url}/api/v1/flows/${flowId}/runs`)).body.runs).toEqual([]);
  });
});
