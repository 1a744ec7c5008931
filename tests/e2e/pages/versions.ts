import type { Page } from "playwright-core";

/** The versions page of a flow: save, pick two states, compare, restore. */
export class VersionsPage {
  constructor(readonly page: Page, private readonly baseUrl: string, private readonly flowId: string) {}

  async open() {
    // networkidle: clicks before hydration would find no handlers.
    await this.page.goto(`${this.baseUrl}/flows/${this.flowId}/versions`, { waitUntil: "networkidle" });
    await this.page.getByTestId("version-table").waitFor();
  }

  rows() {
    return this.page.getByTestId("version-row");
  }

  row(ref: number | "current") {
    return this.page.locator(`[data-testid="version-row"][data-version="${ref}"]`);
  }

  async saveVersion(note: string) {
    await this.page.getByTestId("version-note").fill(note);
    await this.page.getByTestId("save-version").click();
  }

  /** Picks the older and the newer state, then compares them. */
  async compare(from: number | "current", to: number | "current") {
    await this.row(from).getByTestId("pick-from").check();
    await this.row(to).getByTestId("pick-to").check();
    await this.page.getByTestId("compare").click();
    await this.page.getByTestId("compare-result").waitFor();
    await this.page.locator(".react-flow__node").first().waitFor();
  }

  diffLines() {
    return this.page.getByTestId("diff-lines").locator("li");
  }

  diffNode(nodeId: string) {
    return this.page.locator(`[data-testid="diff-node"][data-node-id="${nodeId}"]`);
  }

  /** Restores a version, accepting the confirmation dialog. */
  async restore(version: number) {
    this.page.once("dialog", (dialog) => void dialog.accept());
    await this.row(version).getByTestId("restore-version").click();
  }

  message() {
    return this.page.getByTestId("versions-message");
  }
}

/** The cards of the flows list (home page): rename in place, duplicate. */
export class FlowCards {
  constructor(readonly page: Page) {}

  card(name: string) {
    return this.page.getByTestId("flow-card").filter({ has: this.page.getByTestId("flow-name").getByText(name, { exact: true }) });
  }

  names() {
    return this.page.getByTestId("flow-name").allTextContents();
  }

  async rename(from: string, to: string) {
    // Pin the card by id: while editing, its name (what `card(name)` matches) is replaced by the input.
    const id = await this.card(from).getAttribute("data-flow-id");
    const card = this.page.locator(`[data-testid="flow-card"][data-flow-id="${id}"]`);
    await card.getByTestId("rename-flow").click();
    await card.getByTestId("rename-input").fill(to);
    await card.getByTestId("rename-input").press("Enter");
  }

  async duplicate(name: string) {
    await this.card(name).getByTestId("duplicate-flow").click();
  }
}
