import type { Browser, BrowserContext } from "playwright-core";
import { afterAll, expect, it } from "vitest";
import en from "@/messages/en.json";
import zh from "@/messages/zh.json";
import type { FlowDocument } from "@/lib/flow/schema";
import { CanvasPage, createFlowViaApi } from "./pages/canvas";
import type { AppServer } from "./support/app-server";
import { describeBrowser, newContext } from "./support/browser";
import { json } from "./support/sse";
import { withStudio } from "./support/studio";

/*
 * Issue 14, finding 2, in the studio: an HTTP node's Authorization and X-Api-Key headers are
 * shown as "Set (…k3f9)", never as their values — not in the page, not in any response the
 * studio receives; replacing one saves the new value encrypted and leaves the other as it was;
 * the exported file holds neither.
 */

const BEARER = "sk-live-7Qm2Xv9Lr4Tz8Kp3Wn6Hd1k3f9";
const API_KEY = "ak-0f1e2d3c4b5a69788796a5b4";
const NEW_KEY = "ak-typed-in-the-studio-0042x9";

function secretFlow(): FlowDocument {
  return {
    schemaVersion: 1,
    nodes: [
      { id: "start", type: "start", position: { x: 0, y: 0 }, data: {} },
      {
        id: "call",
        type: "http-request",
        label: "Weather API",
        position: { x: 300, y: 0 },
        data: {
          method: "GET",
          url: "https://api.weather.example/v1?q={{q}}",
          headers: [
            { name: "Authorization", value: `Bearer ${BEARER}` },
            { name: "X-Api-Key", value: API_KEY },
            { name: "Accept", value: "application/json" },
          ],
        },
      },
      { id: "answer", type: "answer", position: { x: 600, y: 0 }, data: {} },
    ],
    edges: [
      { id: "e1", source: "start", sourceHandle: "message", target: "call", targetHandle: "q" },
      { id: "e2", source: "call", sourceHandle: "body", target: "answer", targetHandle: "text" },
    ],
  } as FlowDocument;
}

type Header = { name: string; value: unknown };

/** The owner invites a viewer through the API; they accept; returns the value of their session cookie. */
async function joinAsViewer(app: AppServer): Promise<string> {
  const invite = await json(`${app.url}/api/v1/invites`, { method: "POST", body: { role: "viewer" } });
  expect(invite.status).toBe(201);
  const token = String(invite.body.url).split("/").pop();
  const res = await fetch(`${app.url}/api/v1/auth/invites/${token}/accept`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: app.url },
    body: JSON.stringify({ name: "访客", email: "viewer@secrets.test", password: "viewer-password-1" }),
  });
  expect(res.status).toBe(201);
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith("trellis_session="));
  if (!cookie) throw new Error("accepting the invite set no session cookie");
  return cookie.slice("trellis_session=".length).split(";")[0];
}
const headersOf = (graph: FlowDocument) => (graph.nodes.find((n) => n.id === "call")!.data as { headers: Header[] }).headers;

describeBrowser("finding 2: the studio shows HTTP header secrets masked and write-only (Chromium)", () => {
  let app: AppServer;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  withStudio({ tokenDelayMs: 0 }, (s) => ({ app, browser } = s));
  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
  });

  it("finding 2: shows 'Set (…k3f9)', replaces a header by typing, keeps the other, and never receives a value", async () => {
    const flowId = await createFlowViaApi(app.url, "Weather bot", secretFlow());
    const context = await newContext(browser, "en-US");
    contexts.push(context);
    const page = await context.newPage();
    const bodies: string[] = [];
    page.on("response", (response) => {
      if (response.url().startsWith(app.url)) void response.text().then((text) => bodies.push(text), () => undefined);
    });
    const canvas = new CanvasPage(page, app.url);
    await canvas.open(flowId);
    await canvas.select(canvas.node("call"));
    await canvas.tab("settings");
    const panel = page.getByTestId("settings-panel");
    await expect.poll(() => panel.getAttribute("data-node-id")).toBe("call");

    const auth = page.getByTestId("field-headers.0.value");
    const key = page.getByTestId("field-headers.1.value");
    expect(await auth.getAttribute("data-secret")).toBe("set");
    expect(await auth.textContent()).toContain(en.nodeSecrets.setWithHint.replace("{hint}", "…k3f9"));
    expect(await key.textContent()).toContain(en.nodeSecrets.setWithHint.replace("{hint}", "…a5b4"));
    expect(await page.getByTestId("field-headers.2.value").inputValue()).toBe("application/json");
    // The node still takes its {{q}} input: the masked headers did not break its ports.
    expect(await canvas.node("call").getByTestId("handle-in-q").count()).toBe(1);
    await page.getByRole("toolbar").getByRole("button", { name: en.canvas.fitView }).click();
    await page.waitForTimeout(300);
    await canvas.screenshot("node-secrets-masked");

    // Replace the API key: a password field, saved encrypted; the Authorization header is untouched.
    await key.getByRole("button", { name: en.nodeSecrets.replace }).click();
    const input = key.locator("input");
    expect(await input.getAttribute("type")).toBe("password");
    await input.fill(NEW_KEY);
    await input.press("Enter");
    await expect.poll(async () => headersOf((await json(`${app.url}/api/v1/flows/${flowId}`)).body.flow.graph)[1].value, { timeout: 10_000 }).toMatchObject({ $secret: true, hint: "…42x9" });
    await expect.poll(() => canvas.saveState().getAttribute("data-state"), { timeout: 10_000 }).toBe("saved");
    const saved = headersOf((await json(`${app.url}/api/v1/flows/${flowId}`)).body.flow.graph);
    expect(saved[0].value).toMatchObject({ $secret: true, hint: "…k3f9" });

    // The exported file leaves both out.
    const exported = await canvas.exportDocument();
    expect(headersOf(exported).map((h) => h.value)).toEqual(["", "", "application/json"]);

    // Reloaded, both are masked again, the new one with its own hint.
    await canvas.open(flowId);
    await canvas.select(canvas.node("call"));
    await canvas.tab("settings");
    await expect.poll(() => page.getByTestId("field-headers.1.value").textContent()).toContain("…42x9");
    expect(await page.getByTestId("field-headers.0.value").textContent()).toContain("…k3f9");

    const seen = [await page.content(), ...bodies].join("\n");
    for (const secret of [BEARER, API_KEY]) expect(seen).not.toContain(secret);
    // The new key went out only in the request that saved it, never back.
    expect(bodies.join("\n")).not.toContain(NEW_KEY);
  });

  it("finding 2: a viewer's studio (in Chinese) shows the secrets as 已设置, with no way to replace them and no value in the page", async () => {
    const flowId = await createFlowViaApi(app.url, "天气机器人", secretFlow());
    const session = await joinAsViewer(app);
    const context = await newContext(browser, "zh-CN", { signedIn: false });
    contexts.push(context);
    await context.addCookies([{ name: "trellis_session", value: session, url: app.url }]);
    const page = await context.newPage();
    const bodies: string[] = [];
    page.on("response", (response) => {
      if (response.url().startsWith(app.url)) void response.text().then((text) => bodies.push(text), () => undefined);
    });
    const canvas = new CanvasPage(page, app.url);
    await canvas.open(flowId);
    await canvas.select(canvas.node("call"));
    await canvas.tab("settings");
    const auth = page.getByTestId("field-headers.0.value");
    await expect.poll(() => auth.textContent()).toContain(zh.nodeSecrets.setWithHint.replace("{hint}", "…k3f9"));
    expect(await auth.getByRole("button", { name: zh.nodeSecrets.replace }).isDisabled()).toBe(true);
    await canvas.screenshot("node-secrets-viewer-zh");
    const seen = [await page.content(), ...bodies].join("\n");
    for (const secret of [BEARER, API_KEY]) expect(seen).not.toContain(secret);
  });
});
