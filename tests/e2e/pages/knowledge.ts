import path from "node:path";
import type { Page } from "playwright-core";
import { screenshotDir } from "../support/browser";

/** The knowledge pages: a knowledge base's documents, chunking preview, and its retrieval test. */
export class KnowledgePage {
  constructor(
    readonly page: Page,
    private readonly baseUrl: string,
  ) {}

  async openKnowledgeBase(kbId: string) {
    await this.page.goto(`${this.baseUrl}/knowledge/${kbId}`);
  }

  documents() {
    return this.page.getByTestId("kb-document");
  }

  /** Uploads files through the file picker behind the drop zone. */
  async upload(files: string[]) {
    await this.page.getByTestId("kb-file-input").setInputFiles(files);
  }

  /** Waits until every document row shows the given status. */
  async waitForAll(status: string, count: number, timeout = 60_000) {
    await this.page.waitForFunction(
      ([s, n]) => {
        const rows = [...document.querySelectorAll('[data-testid="kb-document"]')];
        return rows.length >= Number(n) && rows.every((r) => r.getAttribute("data-status") === s);
      },
      [status, String(count)],
      { timeout },
    );
  }

  /** Chooses a file for the chunk preview, turns on "Compare with…" with a second chunk size, previews. */
  async previewCompare(file: string, secondSize: number) {
    await this.page.getByTestId("kb-preview-file").setInputFiles(file);
    await this.page.getByTestId("kb-compare-toggle").click();
    await this.page.getByTestId("kb-settings-b-size").fill(String(secondSize));
    await this.page.getByTestId("kb-preview").click();
    await this.page.getByTestId("kb-preview-column").nth(1).waitFor();
  }

  previewColumns() {
    return this.page.getByTestId("kb-preview-column");
  }

  async openRetrieval(kbId: string) {
    await this.page.goto(`${this.baseUrl}/knowledge/${kbId}/retrieval`);
  }

  async query(text: string) {
    await this.page.getByTestId("kb-query").fill(text);
    await this.page.getByTestId("kb-query-run").click();
    await this.page.getByTestId("kb-hit").first().waitFor();
  }

  hits() {
    return this.page.getByTestId("kb-hit");
  }
}

/** Saves a screenshot under test-results/: the whole page, or only the element with `testId`. */
export async function screenshot(page: Page, name: string, testId?: string) {
  const file = path.join(screenshotDir, `${name}.png`);
  if (testId) await page.getByTestId(testId).screenshot({ path: file });
  else await page.screenshot({ path: file, fullPage: true });
}
