import { createHmac } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { startModelServer, type ModelServer } from "../support/model-server";
import { PublicChatPage } from "./pages/public-chat";
import { startApp, type AppServer } from "./support/app-server";
import { describeBrowser, launchBrowser, screenshotDir } from "./support/browser";
import { publishBot } from "./support/publish";
import { json } from "./support/sse";

/**
 * The widget on someone else's site (C17): a host page served from a second origin embeds the
 * bot with one script tag, opens it, chats, and finds the conversation again after a reload —
 * with the token kept in the host page's storage, so the iframe's own (partitioned) storage is
 * not needed. A page from an origin the bot does not allow gets no chat: CSP frame-ancestors
 * blocks the iframe and the API refuses that Origin.
 */
interface HostSite {
  origin: string;
  close(): Promise<void>;
}

/** A tiny web site on its own loopback port: one page with the widget's script tag (and a host style that must not leak in). */
async function hostSite(host: "localhost" | "127.0.0.1", tag: () => string): Promise<HostSite> {
  const server = http.createServer((req, res) => {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Acme shop</title>
<style>body{font-family:Georgia,serif;margin:0;background:#fbfaf7;color:#222} header{padding:18px 32px;background:#1f2937;color:#fff;font-size:20px}
main{padding:32px;max-width:720px} button{background:red!important;border-radius:0!important} .card{background:#fff;border:1px solid #e5e7eb;border-radius:12px;padding:20px;margin:16px 0}</style></head>
<body><header>Acme Outdoor Gear</header><main><h1>Spring collection</h1><p id="host-text">Free returns within 7 days of delivery.</p>
<div class="card">Trail Runner 2 — lightweight, waterproof.</div><div class="card">Summit Pack 30L — everything you need for a day hike.</div></main>
${tag()}</body></html>`);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { origin: `http://${host}:${port}`, close: () => new Promise((resolve) => (server.closeAllConnections(), server.close(() => resolve()))) };
}

describeBrowser("C17 the embeddable widget on a host page", () => {
  let models: ModelServer;
  let app: AppServer;
  let browser: Browser;
  let allowed: HostSite;
  let stranger: HostSite;
  let slug = "";
  let flowId = "";

  beforeAll(async () => {
    models = await startModelServer({ tokenDelayMs: 5, reply: (messages) => `收到：${[...messages].reverse().find((m) => m.role === "user")?.content ?? ""}（共 ${messages.filter((m) => m.role === "user").length} 条提问）` });
    app = await startApp({ ollamaBaseUrl: models.url });
    browser = await launchBrowser();
    const tag = () => `<script src="${app.url}/widget.js" data-bot="${slug}" data-title="Acme 客服" data-color="#0f766e" async></script>`;
    // "localhost" and "127.0.0.1" are different sites to the browser: the iframe is truly third-party.
    allowed = await hostSite("localhost", tag);
    stranger = await hostSite("127.0.0.1", tag);
    ({ slug, flowId } = await publishBot(app, { name: "Acme 客服", settings: { title: "Acme 客服", language: "zh", greeting: "你好，有什么可以帮你？", allowedOrigins: [allowed.origin], widgetEnabled: true } }));
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await allowed?.close();
    await stranger?.close();
    await app?.stop();
    await models?.close();
  });

  it("C17 opens from the bubble, chats, and keeps the conversation after a reload from the host page's storage alone", async () => {
    // ARRANGE
    const context = await browser.newContext({ locale: "zh-CN", viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto(allowed.origin);
    const hostTextBefore = await page.locator("#host-text").evaluate((el) => getComputedStyle(el).fontFamily);
    const bubble = page.locator("[data-trellis-widget] >> button.b");
    await bubble.waitFor();

    // ACT: open and ask
    await bubble.click();
    const frame = page.frameLocator("[data-trellis-widget] >> iframe");
    const chat = new PublicChatPage(frame);
    await expect.poll(() => frame.getByTestId("greeting").textContent(), { timeout: 20_000 }).toContain("有什么可以帮你");
    await chat.ask("你们支持退货吗？");
    const first = await chat.finishedAnswer();

    // ASSERT: answered; the widget's styles stay in its shadow root and the host's stay out
    expect(first.status).toBe("ok");
    expect(first.text).toContain("收到：你们支持退货吗？");
    expect(await bubble.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe("rgb(15, 118, 110)");
    expect(await page.locator("#host-text").evaluate((el) => getComputedStyle(el).fontFamily)).toBe(hostTextBefore);
    expect(await frame.locator(".pc-title").textContent()).toBe("Acme 客服");
    const stored = await page.evaluate((key) => localStorage.getItem(key), `trellis:${app.url}:${slug}`);
    expect(stored).toBeTruthy();
    await page.screenshot({ path: path.join(screenshotDir, "widget-host-page.png") });

    // ACT: forget anything the iframe kept itself (what partitioned storage looks like; this
    // Chromium blocks a cross-site iframe's storage outright), reload
    const iframe = page.frames().find((f) => f.url().startsWith(`${app.url}/embed/`));
    const ownStorage = await iframe!.evaluate(() => {
      try {
        localStorage.clear();
        return "cleared";
      } catch {
        return "blocked";
      }
    });
    console.info(`[widget] the embed iframe's own localStorage: ${ownStorage}`);
    await page.reload();
    await page.evaluate(() => (window as unknown as { Trellis: { open(): void } }).Trellis.open());

    // ASSERT: the conversation is back and continues
    await expect.poll(() => chat.questions().allTextContents(), { timeout: 20_000 }).toEqual(["你们支持退货吗？"]);
    await chat.ask("运费谁出？");
    const second = await chat.finishedAnswer();
    expect(second.text).toContain("共 2 条提问");
    expect(await page.evaluate((key) => localStorage.getItem(key), `trellis:${app.url}:${slug}`)).toBeTruthy();

    // The JS API closes it again.
    await page.evaluate(() => (window as unknown as { Trellis: { close(): void } }).Trellis.close());
    await expect.poll(() => page.locator("[data-trellis-widget] >> .p").evaluate((el) => el.classList.contains("o"))).toBe(false);
    await context.close();
  });

  it("C17 a host page whose origin is not allowed gets no chat: frame-ancestors blocks the iframe and the API answers 403", async () => {
    // ARRANGE
    const context = await browser.newContext({ locale: "zh-CN" });
    const page = await context.newPage();
    const embedResponses: Array<{ status: number; csp: string }> = [];
    page.on("response", (r) => {
      if (r.url().startsWith(`${app.url}/embed/`)) embedResponses.push({ status: r.status(), csp: r.headers()["content-security-policy"] ?? "" });
    });

    // ACT
    await page.goto(stranger.origin);
    await page.locator("[data-trellis-widget] >> button.b").click();
    await expect.poll(() => embedResponses.length, { timeout: 15_000 }).toBeGreaterThan(0);
    await page.waitForTimeout(1500);

    // ASSERT
    expect(embedResponses[0].csp).toContain(`frame-ancestors ${allowed.origin}`);
    expect(embedResponses[0].csp).not.toContain(stranger.origin);
    const frame = page.frames().find((f) => f !== page.mainFrame());
    expect(frame).toBeDefined();
    expect(await frame!.locator("[data-testid=composer]").count()).toBe(0);
    const api = await fetch(`${app.url}/api/v1/public/bots/${slug}`, { headers: { Origin: stranger.origin } });
    expect(api.status).toBe(403);
    expect((await api.json()).error.code).toBe("origin_not_allowed");
    const ok = await fetch(`${app.url}/api/v1/public/bots/${slug}`, { headers: { Origin: allowed.origin } });
    expect(ok.status).toBe(200);
    await context.close();
  });

  it("a signed user of the host site finds their conversation on another device; a forged signature is refused", async () => {
    // ARRANGE: the host site's server signs its user with the bot's secret
    const bot = await json(`${app.url}/api/v1/flows/${flowId}/bot?reveal=1`);
    const secret = bot.body.bot.signingSecret as string;
    const expires = Math.floor(Date.now() / 1000) + 3600;
    const sign = (id: string) => createHmac("sha256", secret).update(`${id}.${expires}`).digest("hex");
    const signed = { id: "customer-42", expires, signature: sign("customer-42") };
    const device = async (user: typeof signed) => {
      const context = await browser.newContext({ locale: "zh-CN" });
      const page = await context.newPage();
      await page.goto(allowed.origin);
      await page.waitForFunction(() => "Trellis" in window);
      await page.evaluate((u) => {
        const api = (window as unknown as { Trellis: { identify(u: unknown): void; open(): void } }).Trellis;
        api.identify(u);
        api.open();
      }, user);
      return { context, frame: page.frameLocator("[data-trellis-widget] >> iframe") };
    };

    // ACT: chat on one device, then open the widget on another
    const first = await device(signed);
    const chat = new PublicChatPage(first.frame);
    await chat.ask("我的订单到哪了？");
    expect((await chat.finishedAnswer()).status).toBe("ok");
    await first.context.close();
    const second = await device(signed);
    const forged = await device({ ...signed, signature: sign("customer-43") });

    // ASSERT
    await expect.poll(() => new PublicChatPage(second.frame).questions().allTextContents(), { timeout: 20_000 }).toEqual(["我的订单到哪了？"]);
    await expect.poll(() => forged.frame.getByTestId("chat-problem").textContent(), { timeout: 20_000 }).toBe("无法验证你在该网站的登录状态，请刷新页面后重试。");
    await second.context.close();
    await forged.context.close();
  });
});
