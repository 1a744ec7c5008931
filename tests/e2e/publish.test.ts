import { describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { parseSse } from "@/lib/client/sse";
import { screenshot } from "./pages/studio";
import type { AppServer } from "./support/app-server";
import { newContext } from "./support/browser";
import { json } from "./support/sse";
import { withStudio } from "./support/studio";

/**
 * The publish page in Chromium against the production build: publish a flow, set the widget's
 * allowed site, create a bot key, then use the published bot through the bot API with that key.
 */
describe("publishing from the studio", () => {
  let app: AppServer;
  let browser: Browser;
  withStudio({ tokenDelayMs: 2 }, (studio) => ({ app, browser } = studio));

  it("publishes, shows the share link and snippet, saves settings and makes a key that answers", async () => {
    const created = await json(`${app.url}/api/v1/flows`, { method: "POST", body: { name: "Help desk", templateId: "starter" } });
    expect(created.status).toBe(201);
    const flowId = created.body.flow.id as string;

    const context = await newContext(browser, "en-US");
    const page = await context.newPage();
    await page.goto(`${app.url}/flows/${flowId}`);
    await page.getByTestId("publish-link").click();
    await page.waitForURL(`**/flows/${flowId}/publish`);
    await page.getByTestId("not-published").waitFor();
    await page.getByTestId("publish-notes").fill("First release");
    await page.getByTestId("publish").click();
    await expect.poll(() => page.getByTestId("publish-message").textContent()).toContain("Published release 1");
    const link = await page.getByTestId("share-link").inputValue();
    expect(link).toMatch(new RegExp(`^${app.url}/c/[A-Za-z0-9]{12}$`));
    const slug = link.split("/c/")[1];
    expect(await page.getByTestId("embed-snippet").textContent()).toBe(`<script src="${app.url}/widget.js" data-bot="${slug}" async></script>`);
    expect(await page.getByTestId("embed-needs-origins").isVisible()).toBe(true);

    // The widget cannot be switched on without an allowed site; with one it can.
    await page.getByTestId("bot-widget").check();
    await page.getByTestId("bot-save").click();
    await expect.poll(() => page.getByTestId("bot-save-message").textContent()).toContain("allowed site");
    await page.getByTestId("bot-origins").fill("https://shop.example");
    await page.getByTestId("bot-title").fill("Help desk bot");
    await page.getByTestId("bot-save").click();
    await expect.poll(() => page.getByTestId("bot-save-message").textContent()).toBe("Saved.");
    await page.getByTestId("embed-needs-origins").waitFor({ state: "detached" });
    const config = await json(`${app.url}/api/v1/public/bots/${slug}`);
    expect(config.body).toMatchObject({ title: "Help desk bot", release: 1 });

    await page.getByTestId("key-name").fill("CRM");
    await page.getByTestId("create-key").click();
    const key = (await page.getByTestId("new-key-value").textContent()) ?? "";
    expect(key).toMatch(/^tbk_/);
    await page.getByTestId("keys-table").waitFor();
    await screenshot(page, "publish-page");

    const res = await fetch(`${app.url}/api/v1/bots/${slug}/chat`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({ message: "Where is my parcel?" }),
    });
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const events: string[] = [];
    let answer = "";
    for await (const message of parseSse(res.body!)) {
      events.push(message.event ?? "");
      if (message.event === "done") answer = JSON.parse(message.data).answer;
    }
    expect(events[0]).toBe("start");
    expect(events).toContain("token");
    expect(events.at(-1)).toBe("done");
    expect(answer).toContain("Where is my parcel?");

    const zh = await newContext(browser, "zh-CN");
    const zhPage = await zh.newPage();
    await zhPage.goto(`${app.url}/flows/${flowId}/publish`);
    await zhPage.getByTestId("share-link").waitFor();
    expect(await zhPage.getByRole("heading", { level: 2 }).first().textContent()).toBe("分享");
    await screenshot(zhPage, "publish-page-zh");
    await zh.close();
    await context.close();
  });
});
