import type { FrameLocator, Page } from "playwright-core";

/** The published chat (/c/SLUG), or the same chat inside the widget's iframe. */
export class PublicChatPage {
  constructor(readonly root: Page | FrameLocator) {}

  composer() {
    return this.root.getByTestId("composer");
  }

  async ask(message: string) {
    await this.composer().fill(message);
    await this.root.getByTestId("send").click();
  }

  answers() {
    return this.root.getByTestId("answer");
  }

  questions() {
    return this.root.getByTestId("question");
  }

  lastAnswer() {
    return this.answers().last();
  }

  /** The text of the last answer once it has finished (status ok, error or stopped). */
  async finishedAnswer(timeout = 30_000): Promise<{ status: string; text: string }> {
    const last = this.lastAnswer();
    await last.and(this.root.locator('[data-status="ok"], [data-status="error"], [data-status="stopped"]')).waitFor({ timeout });
    return { status: (await last.getAttribute("data-status")) ?? "", text: (await last.textContent()) ?? "" };
  }
}

/**
 * Records every text the last answer shows as it grows, so a test can tell a streamed answer
 * (several growing prefixes) from one delivered at the end.
 */
export async function watchGrowth(page: Page): Promise<() => Promise<string[]>> {
  await page.evaluate(() => {
    const w = window as unknown as { __growth: string[] };
    w.__growth = [];
    new MutationObserver(() => {
      const all = document.querySelectorAll('[data-testid="answer-text"]');
      const text = all[all.length - 1]?.textContent ?? "";
      if (text && w.__growth[w.__growth.length - 1] !== text) w.__growth.push(text);
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
  return async () => {
    const seen = await page.evaluate(() => (window as unknown as { __growth: string[] }).__growth);
    const final = seen[seen.length - 1] ?? "";
    return seen.filter((t) => t.length < final.length && final.startsWith(t));
  };
}
