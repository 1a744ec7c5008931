import { afterAll, beforeAll, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { parseSse } from "@/lib/client/sse";
import { startModelServer } from "../support/model-server";
import { acceptInvite, createApiKey, createInvite, fetchAs, fillLogin, fillSetup, logout, memberRow, sessionCookieOf } from "./pages/accounts";
import { FlowPage, FlowsPage, screenshot } from "./pages/studio";
import { startApp, type AppServer } from "./support/app-server";
import { launchBrowser, newContext, describeBrowser } from "./support/browser";
import { json, type WireEvent } from "./support/sse";

type ModelServer = Awaited<ReturnType<typeof startModelServer>>;

describeBrowser("accounts in Chromium: the first start", () => {
  let models: ModelServer;
  let app: AppServer;
  let browser: Browser;

  beforeAll(async () => {
    models = await startModelServer({ tokenDelayMs: 5 });
    app = await startApp({ ollamaBaseUrl: models.url, withOwner: false });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await models?.close();
  });

  it("sends the first visitor to /setup, creates the owner and opens the studio with their menu", async () => {
    expect((await json(`${app.url}/api/v1/auth/state`)).body.setupRequired).toBe(true);
    const context = await newContext(browser, "en-US", { signedIn: false });
    const page = await context.newPage();
    await page.goto(`${app.url}/`, { waitUntil: "networkidle" });
    expect(new URL(page.url()).pathname).toBe("/setup");
    expect(await page.locator("h1").textContent()).toBe("Create the owner account");

    const olivia = { name: "Olivia Owner", email: "olivia@example.test", password: "correct horse battery" };
    await fillSetup(page, olivia, "correct horse");
    await page.getByTestId("password-mismatch").waitFor();
    expect(await page.getByTestId("password-mismatch").textContent()).toMatch(/do not match/i);
    expect(new URL(page.url()).pathname).toBe("/setup");

    await fillSetup(page, olivia);
    await page.waitForURL(`${app.url}/`);
    expect(await page.locator("h1").first().textContent()).toBe("Your flows");
    const menu = page.getByTestId("user-menu");
    expect(await menu.textContent()).toContain("Olivia Owner");
    expect(await menu.locator(".tag").textContent()).toBe("Owner");
    await menu.click();
    await page.getByTestId("logout").waitFor();
    await screenshot(page, "accounts-setup");

    // Set up once: the setup page is gone for everyone, and the API refuses a second owner.
    expect((await json(`${app.url}/api/v1/auth/state`)).body.setupRequired).toBe(false);
    await page.goto(`${app.url}/setup`);
    expect(new URL(page.url()).pathname).not.toBe("/setup");
    const again = await fetch(`${app.url}/api/v1/auth/setup`, { method: "POST", headers: { "content-type": "application/json", origin: app.url }, body: JSON.stringify({ ...olivia, email: "mallory@example.test" }) });
    expect(again.status).toBe(409);
    await context.close();
  });
});

describeBrowser("accounts in Chromium: members, roles, API keys and sessions", () => {
  let models: ModelServer;
  let app: AppServer;
  let browser: Browser;
  let owner: NonNullable<AppServer["owner"]>;

  beforeAll(async () => {
    models = await startModelServer({ tokenDelayMs: 5 });
    app = await startApp({ ollamaBaseUrl: models.url });
    if (!app.owner) throw new Error("startApp created no owner");
    owner = app.owner;
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await models?.close();
  });

  async function createFlow(name: string): Promise<string> {
    const created = await json(`${app.url}/api/v1/flows`, { method: "POST", body: { name, templateId: "starter" } });
    expect(created.status).toBe(201);
    return created.body.flow.id;
  }

  it("sends a stranger to sign in, in their language, and back to the flow they opened", async () => {
    const flowId = await createFlow("Refund bot");
    const context = await newContext(browser, "zh-CN", { signedIn: false });
    const page = await context.newPage();
    await page.goto(`${app.url}/flows/${flowId}`, { waitUntil: "networkidle" });
    expect(new URL(page.url()).pathname).toBe("/login");
    expect(new URL(page.url()).searchParams.get("next")).toBe(`/flows/${flowId}`);
    expect(await page.locator("h1").textContent()).toBe("登录");

    await fillLogin(page, owner.email, "not the password", "zh");
    await page.getByTestId("auth-error").waitFor();
    expect(await page.getByTestId("auth-error").textContent()).toBe("邮箱或密码不正确。");
    expect(new URL(page.url()).pathname).toBe("/login");

    await fillLogin(page, owner.email, owner.password, "zh");
    await page.waitForURL(`${app.url}/flows/${flowId}`);
    await expect.poll(() => new FlowPage(page).nodes().count(), { timeout: 10_000 }).toBeGreaterThan(0);
    await context.close();
  });

  it("lets the owner invite an editor who joins in Chinese, edits flows but cannot manage the workspace", async () => {
    const ownerContext = await newContext(browser, "en-US");
    const ownerPage = await ownerContext.newPage();
    const link = await createInvite(ownerPage, app.url, "editor");
    expect(link).toMatch(new RegExp(`^${app.url}/invite/[\\w-]+$`));

    const context = await newContext(browser, "zh-CN", { signedIn: false });
    const page = await context.newPage();
    const li = { name: "李编辑", email: "li@example.test", password: "editor-pass-1" };
    await acceptInvite(page, link, li, "zh");
    expect(await page.locator("h1").first().textContent()).toBe("我的流程");
    expect(await page.getByTestId("user-menu").locator(".tag").textContent()).toBe("编辑者");
    await new FlowsPage(page, app.url).createFlow("李的流程");
    const flows = await json(`${app.url}/api/v1/flows`);
    expect(flows.body.flows.map((f: { name: string }) => f.name)).toContain("李的流程");

    await page.goto(`${app.url}/settings/members`, { waitUntil: "networkidle" });
    expect(await page.getByTestId("owner-only").textContent()).toBe("只有所有者可以修改角色、移除成员或邀请他人。");
    expect(await page.getByTestId("member-remove").count()).toBe(0);
    expect(await page.getByTestId("invite-create").count()).toBe(0);
    await page.goto(`${app.url}/settings/api-keys`, { waitUntil: "networkidle" });
    expect(await page.getByTestId("owner-only").textContent()).toContain("只有工作区所有者可以创建和撤销 API 密钥");
    expect(await page.getByTestId("api-key-create").count()).toBe(0);

    // The link was for one person: opened again, it says so.
    await page.goto(link, { waitUntil: "networkidle" });
    await page.getByTestId("invite-invalid").waitFor();
    expect(await page.getByTestId("invite-form").count()).toBe(0);

    await ownerPage.goto(`${app.url}/settings/members`, { waitUntil: "networkidle" });
    await memberRow(ownerPage, li.email).waitFor();
    expect(await ownerPage.getByTestId("member-row").count()).toBe(2);
    expect(await memberRow(ownerPage, li.email).getByTestId("member-role").inputValue()).toBe("editor");
    expect(await memberRow(ownerPage, owner.email).getByTestId("member-role").inputValue()).toBe("owner");
    await screenshot(ownerPage, "accounts-members");

    // The only owner cannot make themselves an editor: the workspace would have no owner.
    ownerPage.on("dialog", (dialog) => void dialog.accept());
    await memberRow(ownerPage, owner.email).getByTestId("member-role").selectOption("editor");
    await ownerPage.getByTestId("members-error").waitFor();
    expect(await ownerPage.getByTestId("members-error").textContent()).toContain("at least one owner");
    const me = await json(`${app.url}/api/v1/me`);
    expect(me.body.user.role).toBe("owner");
    await context.close();
    await ownerContext.close();
  });

  it("lets a viewer chat with a flow but not change anything; the owner promotes, then removes them", async () => {
    const flowId = await createFlow("Viewer bot");
    const ownerContext = await newContext(browser, "en-US");
    const ownerPage = await ownerContext.newPage();
    ownerPage.on("dialog", (dialog) => void dialog.accept());
    const link = await createInvite(ownerPage, app.url, "viewer");

    const context = await newContext(browser, "en-US", { signedIn: false });
    const page = await context.newPage();
    const vera = { name: "Vera Viewer", email: "vera@example.test", password: "viewer-pass-1" };
    await acceptInvite(page, link, vera, "en");
    expect(await page.getByTestId("user-menu").locator(".tag").textContent()).toBe("Viewer");
    await page.goto(`${app.url}/flows/${flowId}`, { waitUntil: "networkidle" });
    const flow = new FlowPage(page);
    await flow.ask("Can a viewer ask questions?");
    await expect.poll(async () => (await flow.lastAnswer().textContent()) ?? "", { timeout: 10_000 }).toContain("Can a viewer ask questions?");

    const cookie = await sessionCookieOf(context, app.url);
    expect((await fetchAs(cookie, `${app.url}/api/v1/flows`)).status).toBe(200);
    const write = await fetchAs(cookie, `${app.url}/api/v1/flows`, { method: "POST", body: { name: "Sneaky", templateId: "blank" } });
    expect(write.status).toBe(403);
    expect((await write.json()).error.code).toBe("forbidden");
    const removal = await fetchAs(cookie, `${app.url}/api/v1/flows/${flowId}`, { method: "DELETE" });
    expect(removal.status).toBe(403);

    await ownerPage.goto(`${app.url}/settings/members`, { waitUntil: "networkidle" });
    await memberRow(ownerPage, vera.email).getByTestId("member-role").selectOption("editor");
    await expect.poll(async () => (await fetchAs(cookie, `${app.url}/api/v1/me`).then((r) => r.json())).user.role).toBe("editor");
    expect((await fetchAs(cookie, `${app.url}/api/v1/flows`, { method: "POST", body: { name: "Now allowed", templateId: "blank" } })).status).toBe(201);

    await memberRow(ownerPage, vera.email).getByTestId("member-remove").click();
    await memberRow(ownerPage, vera.email).waitFor({ state: "detached" });
    expect((await fetchAs(cookie, `${app.url}/api/v1/flows`)).status).toBe(401);
    await page.reload();
    expect(new URL(page.url()).pathname).toBe("/login");
    await context.close();
    await ownerContext.close();
  });

  it("creates an API key shown once that runs flows with a Bearer header until it is revoked", async () => {
    const flowId = await createFlow("Key bot");
    const context = await newContext(browser, "en-US");
    const page = await context.newPage();
    page.on("dialog", (dialog) => void dialog.accept());
    const secret = await createApiKey(page, app.url, "CI bot", "viewer");
    expect(secret).toMatch(/^trl_\S{20,}$/);
    await screenshot(page, "accounts-api-key");
    const bearer = { authorization: `Bearer ${secret}` };

    const listed = await fetch(`${app.url}/api/v1/flows`, { headers: bearer });
    expect(listed.status).toBe(200);
    expect((await listed.json()).flows.map((f: { id: string }) => f.id)).toContain(flowId);
    const run = await fetch(`${app.url}/api/v1/flows/${flowId}/runs`, { method: "POST", headers: { ...bearer, "content-type": "application/json" }, body: JSON.stringify({ message: "Hello from CI" }) });
    expect(run.status).toBe(200);
    expect(run.headers.get("content-type")).toContain("text/event-stream");
    const events: WireEvent[] = [];
    for await (const message of parseSse(run.body!)) events.push(JSON.parse(message.data));
    const finished = events.at(-1);
    expect(finished?.type === "run-finished" && finished.status).toBe("succeeded");
    expect(finished?.type === "run-finished" && finished.answer?.text).toContain("Hello from CI");
    // A viewer key runs flows but cannot create them.
    expect((await fetch(`${app.url}/api/v1/flows`, { method: "POST", headers: { ...bearer, "content-type": "application/json" }, body: "{}" })).status).toBe(403);

    await page.reload({ waitUntil: "networkidle" });
    const row = page.getByTestId("api-keys-table").getByTestId("api-key-row");
    expect(await row.count()).toBe(1);
    expect(await row.textContent()).toContain("CI bot");
    expect(await page.getByTestId("api-key-secret").count()).toBe(0);
    expect(await page.locator("body").innerText()).not.toContain(secret);

    await row.getByTestId("api-key-revoke").click();
    await row.waitFor({ state: "detached" });
    expect((await fetch(`${app.url}/api/v1/flows`, { headers: bearer })).status).toBe(401);
    await context.close();
  });

  it("logs out: back to the sign-in page, and the old cookie opens nothing any more", async () => {
    const context = await newContext(browser, "en-US", { signedIn: false });
    const page = await context.newPage();
    await page.goto(`${app.url}/login`, { waitUntil: "networkidle" });
    await fillLogin(page, owner.email, owner.password);
    await page.waitForURL(`${app.url}/`);
    const cookie = await sessionCookieOf(context, app.url);
    expect((await fetchAs(cookie, `${app.url}/api/v1/flows`)).status).toBe(200);

    await logout(page);
    expect((await context.cookies(app.url)).some((c) => c.name === "trellis_session")).toBe(false);
    expect((await fetchAs(cookie, `${app.url}/api/v1/flows`)).status).toBe(401);
    await page.goto(`${app.url}/`);
    expect(new URL(page.url()).pathname).toBe("/login");
    // The suite's own owner session is another session: it still works.
    expect((await json(`${app.url}/api/v1/flows`)).status).toBe(200);
    await context.close();
  });

  it("remembers the language on the account: chosen in one browser, used in the next", async () => {
    const context = await newContext(browser, "en-US", { signedIn: false });
    const page = await context.newPage();
    await page.goto(`${app.url}/login`, { waitUntil: "networkidle" });
    await fillLogin(page, owner.email, owner.password);
    await page.waitForURL(`${app.url}/`);
    expect(await page.locator("h1").first().textContent()).toBe("Your flows");
    await page.getByLabel("Language").selectOption("zh");
    await expect.poll(() => page.locator("h1").first().textContent(), { timeout: 10_000 }).toBe("我的流程");
    await logout(page);
    await context.close();

    const elsewhere = await newContext(browser, "en-US", { signedIn: false });
    const other = await elsewhere.newPage();
    await other.goto(`${app.url}/login`, { waitUntil: "networkidle" });
    expect(await other.locator("h1").textContent()).toBe("Sign in");
    await fillLogin(other, owner.email, owner.password);
    await other.waitForURL(`${app.url}/`);
    expect(await other.locator("h1").first().textContent()).toBe("我的流程");
    expect(await other.locator("html").getAttribute("lang")).toBe("zh-CN");
    expect(await other.getByTestId("user-menu").locator(".tag").textContent()).toBe("所有者");
    await elsewhere.close();
  });
});
