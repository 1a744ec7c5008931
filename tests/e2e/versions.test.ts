import { expect, it } from "vitest";
import type { Browser } from "playwright-core";
import type { FlowDocument } from "@/lib/flow/schema";
import { screenshot } from "./pages/studio";
import { FlowCards, VersionsPage } from "./pages/versions";
import type { AppServer } from "./support/app-server";
import { newContext, describeBrowser } from "./support/browser";
import { json } from "./support/sse";
import { withStudio } from "./support/studio";


function setGeneralTemperature(graph: FlowDocument, value: number): FlowDocument {
  const next = structuredClone(graph);
  const node = next.nodes.find((n) => n.id === "general");
  if (!node) throw new Error("the topic-router template has no general assistant");
  node.data = { ...node.data, temperature: value };
  return next;
}

describeBrowser("versions, templates and the flows list in Chromium", () => {
  let app: AppServer;
  let browser: Browser;
  withStudio({ tokenDelayMs: 5 }, (studio) => ({ app, browser } = studio));

  it("creates from a template, versions a settings change, shows it in the compare and restores", async () => {
    const templates = await json(`${app.url}/api/v1/templates`);
    expect(templates.body.templates.map((t: { id: string }) => t.id)).toEqual(expect.arrayContaining(["blank", "starter", "topic-router", "http-summary"]));

    const created = await json(`${app.url}/api/v1/flows`, { method: "POST", body: { name: "Router", templateId: "topic-router" } });
    expect(created.status).toBe(201);
    const flow = created.body.flow;
    const answered = await json(`${app.url}/api/v1/flows/${flow.id}/runs`, { method: "POST", body: { message: "I want a refund", stream: false } });
    expect(answered.body.status).toBe("succeeded");

    // An edit through the API: the automatic rule keeps the template's state as version 1.
    const patched = await json(`${app.url}/api/v1/flows/${flow.id}`, { method: "PATCH", body: { graph: setGeneralTemperature(flow.graph, 0.2), expectedRevision: flow.revision } });
    expect(patched.status).toBe(200);
    const saved = await json(`${app.url}/api/v1/flows/${flow.id}/versions`, { method: "POST", body: { note: "Cooler general assistant" } });
    expect(saved.body.version).toMatchObject({ version: 2, author: "owner", noteKind: "manual" });
    const listed = await json(`${app.url}/api/v1/flows/${flow.id}/versions`);
    expect(listed.body.versions.map((v: { version: number; noteKind: string }) => [v.version, v.noteKind])).toEqual([[2, "manual"], [1, "auto"]]);

    const context = await newContext(browser, "en-US");
    const page = await context.newPage();
    const versions = new VersionsPage(page, app.url, flow.id);
    await versions.open();
    expect(await versions.rows().count()).toBe(3);
    await versions.compare(1, 2);
    const lines = await versions.diffLines().allTextContents();
    expect(lines).toEqual(["General assistant: Temperature 0.7 → 0.2"]);
    const changed = versions.diffNode("general");
    expect(await changed.getAttribute("data-status")).toBe("changed");
    expect(await changed.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe("rgb(255, 239, 194)");
    expect(await versions.diffNode("refunds").getAttribute("data-status")).toBe("unchanged");
    await screenshot(page, "version-compare");

    await versions.restore(1);
    await expect.poll(() => versions.message().textContent()).toContain("Restored version 1");
    const after = await json(`${app.url}/api/v1/flows/${flow.id}`);
    expect(after.body.flow.graph.nodes.find((n: { id: string }) => n.id === "general").data.temperature).toBe(0.7);
    expect(after.body.flow.revision).toBe(patched.body.flow.revision + 1);
    expect(await versions.row(3).textContent()).toContain("before restoring version 1");
    await context.close();
  });

  it("runs one node alone with sample inputs, and refuses a missing node or bad settings", async () => {
    const created = await json(`${app.url}/api/v1/flows`, { method: "POST", body: { name: "单节点", templateId: "topic-router" } });
    const base = `${app.url}/api/v1/flows/${created.body.flow.id}/nodes`;
    const routed = await json(`${base}/route/run`, { method: "POST", body: { inputs: { input: "我要退款" } } });
    expect(routed.status).toBe(200);
    expect(routed.body.outputs).toEqual({ refund: "我要退款" });
    const llm = await json(`${base}/general/run`, { method: "POST", body: { inputs: { prompt: "Hello there" } } });
    expect(llm.body.tokens.join("")).toBe(llm.body.outputs.text);
    expect(llm.body.outputs.text).toContain("Hello there");
    const missing = await json(`${base}/nope/run`, { method: "POST", body: { inputs: {} } });
    expect(missing.status).toBe(404);
    const bad = await json(`${base}/general/run`, { method: "POST", body: { inputs: { prompt: "x" }, settings: { temperature: 9 } }, headers: { "Accept-Language": "zh-CN" } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain("温度");
  });

  it("renames and duplicates flows on the list", async () => {
    await json(`${app.url}/api/v1/flows`, { method: "POST", body: { name: "Support bot", templateId: "blank" } });
    const context = await newContext(browser, "en-US");
    const page = await context.newPage();
    await page.goto(`${app.url}/`, { waitUntil: "networkidle" });
    const cards = new FlowCards(page);
    await cards.rename("Support bot", "Helpdesk bot");
    await expect.poll(() => cards.names()).toContain("Helpdesk bot");
    expect(await cards.names()).not.toContain("Support bot");
    await cards.duplicate("Helpdesk bot");
    await expect.poll(() => cards.names()).toContain("Copy of Helpdesk bot");
    await page.reload();
    expect(await cards.names()).toEqual(expect.arrayContaining(["Helpdesk bot", "Copy of Helpdesk bot"]));
    await context.close();
  });

  it("shows the list in Chinese to a Chinese browser and creates a flow from a template", async () => {
    const context = await newContext(browser, "zh-CN");
    const page = await context.newPage();
    await page.goto(`${app.url}/`, { waitUntil: "networkidle" });
    expect(await page.locator("h1").first().textContent()).toBe("我的流程");
    const options = await page.getByTestId("template-select").locator("option").allTextContents();
    expect(options).toEqual(expect.arrayContaining(["空白流程", "按主题分流问题（条件分支）", "调用 HTTP API 并总结"]));
    await page.getByTestId("template-select").selectOption("topic-router");
    expect(await page.getByTestId("template-description").textContent()).toContain("退款");
    await page.locator(".inline-form input").first().fill("退款分流");
    await page.locator(".inline-form button[type=submit]").click();
    await page.waitForURL(/\/flows\/[^/]+$/);
    const id = new URL(page.url()).pathname.split("/").pop();
    const flow = await json(`${app.url}/api/v1/flows/${id}`);
    expect(flow.body.flow.name).toBe("退款分流");
    expect(flow.body.flow.graph.nodes.find((n: { id: string }) => n.id === "refunds").label).toBe("退款客服");
    await page.goto(`${app.url}/`, { waitUntil: "networkidle" });
    const card = new FlowCards(page).card("退款分流");
    expect(await card.getByTestId("rename-flow").textContent()).toBe("重命名");
    expect(await card.getByTestId("duplicate-flow").textContent()).toBe("复制");
    expect(await card.getByTestId("open-versions").textContent()).toBe("版本");
    await new FlowCards(page).duplicate("退款分流");
    await expect.poll(() => new FlowCards(page).names()).toContain("退款分流 副本");
    await screenshot(page, "flows-list-zh");
    await page.goto(`${app.url}/flows/${id}/versions`);
    expect(await page.locator("h1").textContent()).toBe("“退款分流”的版本");
    await context.close();
  });
});
