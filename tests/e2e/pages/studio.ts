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

/** A flow's page: the canvas studio with its test panel and trace. */
export class FlowPage {
  constructor(readonly page: Page) {}

  nodes() {
    return this.page.getByTestId("canvas-node");
  }

  async ask(message: string) {
    await this.page.getByTestId("tab-test").click();
    await this.page.getByTestId("composer").fill(message);
    await this.page.getByTestId("send").click();
  }

  /**
   * Records every text the last answer bubble shows as the page updates it, and returns a
   * function that lists those that were proper beginnings of the final answer: a streamed
   * answer shows several, one delivered at the end shows none — whatever the machine's speed.
   */
  async watchAnswerGrowth(): Promise<() => Promise<string[]>> {
    await this.page.evaluate(() => {
      const w = window as unknown as { __answerTexts: string[] };
      w.__answerTexts = [];
      new MutationObserver(() => {
        const bubbles = document.querySelectorAll('[data-testid="answer"] .text');
        const text = bubbles[bubbles.length - 1]?.textContent ?? "";
        if (text && w.__answerTexts[w.__answerTexts.length - 1] !== text) w.__answerTexts.push(text);
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    return async () => {
      const seen = await this.page.evaluate(() => (window as unknown as { __answerTexts: string[] }).__answerTexts);
      const final = seen[seen.length - 1] ?? "";
      return seen.filter((text) => text.length < final.length && final.startsWith(text));
    };
  }

  lastAnswer() {
    return this.page.getByTestId("answer").last();
  }

  traceSteps() {
    return this.page.getByTestId("trace-step");
  }

  /** Selects a node on the canvas and deletes it with the keyboard. */
  async deleteNode(id: string) {
    await this.page.locator(`[data-testid="canvas-node"][data-node-id="${id}"] .cnode-head`).click();
    await this.page.keyboard.press("Delete");
  }

  saveState() {
    return this.page.getByTestId("save-state");
  }

  /** The checklist of problems (its tab is opened first). */
  async problems() {
    await this.page.getByTestId("tab-checklist").click();
    return this.page.getByTestId("checklist");
  }
}

export async function screenshot(page: Page, name: string) {
  await page.screenshot({ path: path.join(screenshotDir, `${name}.png`), fullPage: true });
}
