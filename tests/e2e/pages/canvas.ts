import { readFile } from "node:fs/promises";
import path from "node:path";
import type { Locator, Page } from "playwright-core";
import type { FlowDocument } from "@/lib/flow/schema";
import { screenshotDir } from "../support/browser";
import { authFetch } from "../support/auth";

/**
 * Creates a flow through the API (the flows list is its own page and its own test) and returns its id.
 * @example const id = await createFlowViaApi(app.url, "Support bot");
 */
export async function createFlowViaApi(baseUrl: string, name: string, graph?: FlowDocument): Promise<string> {
  const res = await authFetch(`${baseUrl}/api/v1/flows`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ name, graph }) });
  if (res.status !== 201) throw new Error(`creating the flow failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { flow: { id: string } }).flow.id;
}

/**
 * Creates a knowledge base through the API, uploads files into it and waits until every one is
 * ingested, so the retriever's picker lists it and a run finds its passages. Throws if a file
 * fails or ingestion takes longer than `timeoutMs`.
 * @example const kb = await createKnowledgeBaseViaApi(app.url, "法规", ["/work/shared/fixtures/docs/zh/statistics-law-2024-09-13.md"]);
 */
export async function createKnowledgeBaseViaApi(baseUrl: string, name: string, files: string[], timeoutMs = 90_000): Promise<{ id: string; name: string }> {
  const created = await authFetch(`${baseUrl}/api/v1/knowledge-bases`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ name }) });
  if (created.status !== 201) throw new Error(`creating the knowledge base failed: ${created.status} ${await created.text()}`);
  const id = ((await created.json()) as { knowledgeBase: { id: string } }).knowledgeBase.id;
  const form = new FormData();
  for (const file of files) form.append("files", new Blob([await readFile(file)]), path.basename(file));
  const uploaded = await authFetch(`${baseUrl}/api/v1/knowledge-bases/${id}/documents`, { method: "POST", body: form });
  if (uploaded.status !== 202) throw new Error(`uploading failed: ${uploaded.status} ${await uploaded.text()}`);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await authFetch(`${baseUrl}/api/v1/knowledge-bases/${id}/documents`);
    const docs = ((await res.json()) as { documents: { name: string; status: string; error?: unknown }[] }).documents;
    const failed = docs.find((d) => d.status === "failed");
    if (failed) throw new Error(`ingesting ${failed.name} failed: ${JSON.stringify(failed.error)}`);
    if (docs.length === files.length && docs.every((d) => d.status === "ready")) return { id, name };
    if (Date.now() > deadline) throw new Error(`ingestion did not finish: ${JSON.stringify(docs)}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

/** The canvas studio of one flow: palette, canvas, settings, checklist and test panel. */
export class CanvasPage {
  constructor(readonly page: Page, private readonly baseUrl: string) {}

  async open(flowId: string) {
    await this.page.goto(`${this.baseUrl}/flows/${flowId}`);
    await this.page.locator(".react-flow__pane").waitFor();
  }

  pane(): Locator {
    return this.page.locator(".react-flow__pane");
  }

  nodes(): Locator {
    return this.page.getByTestId("canvas-node");
  }

  node(id: string): Locator {
    return this.page.locator(`[data-testid="canvas-node"][data-node-id="${id}"]`);
  }

  nodeOfType(type: string): Locator {
    return this.page.locator(`[data-testid="canvas-node"][data-node-type="${type}"]`);
  }

  edges(): Locator {
    return this.page.locator(".react-flow__edge");
  }

  saveState(): Locator {
    return this.page.getByTestId("save-state");
  }

  /** Drags a node type from the palette and drops it at (x, y) inside the canvas. */
  async dragFromPalette(type: string, x: number, y: number) {
    await this.page.getByTestId(`palette-${type}`).dragTo(this.pane(), { targetPosition: { x, y } });
  }

  /** The id of the one node of this type on the canvas. */
  async idOf(type: string): Promise<string> {
    return (await this.nodeOfType(type).first().getAttribute("data-node-id")) ?? "";
  }

  /** Drags from an output handle to an input handle with the mouse, the way a person connects ports. */
  async connect(from: Locator, fromPort: string, to: Locator, toPort: string) {
    const a = await from.getByTestId(`handle-out-${fromPort}`).boundingBox();
    const b = await to.getByTestId(`handle-in-${toPort}`).boundingBox();
    if (!a || !b) throw new Error(`handle not visible: ${fromPort} → ${toPort}`);
    const mouse = this.page.mouse;
    await mouse.move(a.x + a.width / 2, a.y + a.height / 2);
    await mouse.down();
    for (let i = 1; i <= 12; i++) await mouse.move(a.x + ((b.x - a.x) * i) / 12 + a.width / 2, a.y + ((b.y - a.y) * i) / 12 + a.height / 2);
    await mouse.up();
  }

  /** Selects a node by clicking its title bar. */
  async select(node: Locator) {
    await node.locator(".cnode-head").click();
  }

  /** Clicks an empty spot of the canvas so keyboard shortcuts go to the canvas, not a field. */
  async focusCanvas() {
    const box = await this.pane().boundingBox();
    if (!box) throw new Error("no canvas");
    await this.page.mouse.click(box.x + 8, box.y + 8);
  }

  /** Box-selects everything in the upper part of the canvas with Shift+drag. */
  async boxSelect(fromX: number, fromY: number, toX: number, toY: number) {
    const box = await this.pane().boundingBox();
    if (!box) throw new Error("no canvas");
    await this.page.keyboard.down("Shift");
    await this.page.mouse.move(box.x + fromX, box.y + fromY);
    await this.page.mouse.down();
    await this.page.mouse.move(box.x + (fromX + toX) / 2, box.y + (fromY + toY) / 2, { steps: 5 });
    await this.page.mouse.move(box.x + toX, box.y + toY, { steps: 5 });
    await this.page.mouse.up();
    await this.page.keyboard.up("Shift");
  }

  async tab(name: "settings" | "checklist" | "test") {
    await this.page.getByTestId(`tab-${name}`).click();
  }

  /** Exports the flow and reads the downloaded file. */
  async exportDocument(): Promise<FlowDocument> {
    const [download] = await Promise.all([this.page.waitForEvent("download"), this.page.getByTestId("export").click()]);
    const file = await download.path();
    return JSON.parse(await readFile(file, "utf8")) as FlowDocument;
  }

  async importFile(file: string) {
    await this.page.getByTestId("import-file").setInputFiles(file);
  }

  async ask(message: string) {
    await this.tab("test");
    await this.page.getByTestId("composer").fill(message);
    await this.page.getByTestId("send").click();
  }

  lastAnswer(): Locator {
    return this.page.getByTestId("answer").last();
  }

  async screenshot(name: string) {
    await this.page.screenshot({ path: path.join(screenshotDir, `${name}.png`) });
  }
}
