import path from "node:path";
import type { Page } from "playwright-core";
import { screenshotDir } from "../support/browser";

/** The flows list (home page). */
export class FlowsPage {
  constructor(private readonly page: Page, private readonly baseUrl: string) {}

  async open() {
    await this.page.goto(`${this.baseUrl}/`);
  }

  heading() {
    return this.page.locator("h1").first();
  }

  /** Creates a flow from the home page and lands on it. */
  async createFlow(name: string) {
    if (!this.page.url().startsWith(this.baseUrl) || new URL(this.page.url()).pathname !== "/") await this.open();
    await this.page.locator(".inline-form input").fill(name);
    await this.page.locator(".inline-form button[type=submit]").click();
    await this.page.waitForURL(/\/flows\/[^/]+$/);
    return new FlowPage(this.page);
  }
}

/** A flow's page: node summary, JSON document, and the test panel with trace. */
export class FlowPage {
  constructor(readonly page: Page) {}

  nodes() {
    return this.page.getByTestId("node-list").locator("li");
  }

  async ask(message: string) {
    await this.page.getByTestId("composer").fill(message);
    await this.page.getByTestId("send").click();
  }

  lastAnswer() {
    return this.page.getByTestId("answer").last();
  }

  traceSteps() {
    return this.page.getByTestId("trace-step");
  }

  async saveDocument(text: string) {
    await this.page.getByTestId("flow-json").fill(text);
    await this.page.getByTestId("save-flow").click();
  }

  problems() {
    return this.page.getByTestId("flow-problems");
  }
}

export async function screenshot(page: Page, name: string) {
  await page.screenshot({ path: path.join(screenshotDir, `${name}.png`), fullPage: true });
}
