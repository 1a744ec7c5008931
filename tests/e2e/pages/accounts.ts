import type { BrowserContext, Page } from "playwright-core";

/** The field labels of the sign-in pages, in the language the page speaks. */
const LABELS = {
  en: { name: "Your name", email: "Email", password: "Password", confirm: "Confirm password" },
  zh: { name: "你的名字", email: "邮箱", password: "密码", confirm: "确认密码" },
} as const;

export type Person = { name: string; email: string; password: string };

/** Fills the first-start form (its confirmation may differ on purpose) and submits it. */
export async function fillSetup(page: Page, person: Person, confirm = person.password) {
  const form = page.getByTestId("setup-form");
  await form.getByLabel(LABELS.en.name).fill(person.name);
  await form.getByLabel(LABELS.en.email).fill(person.email);
  await form.getByLabel(LABELS.en.password, { exact: true }).fill(person.password);
  await form.getByLabel(LABELS.en.confirm).fill(confirm);
  await page.getByTestId("setup-submit").click();
}

/** Signs in on the page the browser is on (/login?next=…). */
export async function fillLogin(page: Page, email: string, password: string, lang: "en" | "zh" = "en") {
  const form = page.getByTestId("login-form");
  await form.getByLabel(LABELS[lang].email).fill(email);
  await form.getByLabel(LABELS[lang].password, { exact: true }).fill(password);
  await page.getByTestId("login-submit").click();
}

/** As the owner: creates an invite link for a role on the Members page and returns it. */
export async function createInvite(page: Page, baseUrl: string, role: "owner" | "editor" | "viewer"): Promise<string> {
  await page.goto(`${baseUrl}/settings/members`, { waitUntil: "networkidle" });
  await page.getByTestId("invite-create").getByLabel("Role").selectOption(role);
  await page.getByTestId("invite-submit").click();
  return page.getByTestId("invite-link").getByTestId("invite-link-url").inputValue();
}

/** Opens an invite link as a stranger, fills it in and joins (lands on the studio). */
export async function acceptInvite(page: Page, link: string, person: Person, lang: "en" | "zh") {
  await page.goto(link, { waitUntil: "networkidle" });
  const form = page.getByTestId("invite-form");
  await form.getByLabel(LABELS[lang].name).fill(person.name);
  await form.getByLabel(LABELS[lang].email).fill(person.email);
  await form.getByLabel(LABELS[lang].password, { exact: true }).fill(person.password);
  await form.getByLabel(LABELS[lang].confirm).fill(person.password);
  await page.getByTestId("invite-submit").click();
  await page.waitForURL(new URL("/", link).href);
}

/** The row of one member on the Members page. */
export function memberRow(page: Page, email: string) {
  return page.locator(`[data-testid="member-row"][data-email="${email}"]`);
}

/** As the owner: creates an API key on its page and returns the secret shown once. */
export async function createApiKey(page: Page, baseUrl: string, name: string, role: "editor" | "viewer"): Promise<string> {
  await page.goto(`${baseUrl}/settings/api-keys`, { waitUntil: "networkidle" });
  const form = page.getByTestId("api-key-create");
  await form.getByLabel("Name").fill(name);
  await form.getByLabel("Role").selectOption(role);
  await page.getByTestId("api-key-submit").click();
  return page.getByTestId("api-key-secret").getByTestId("api-key-secret-value").inputValue();
}

/** Logs out through the user menu in the top bar and waits for the sign-in page. */
export async function logout(page: Page) {
  await page.getByTestId("user-menu").click();
  await page.getByTestId("logout").click();
  await page.waitForURL(/\/login/);
}

/** The `trellis_session=…` cookie a browser context holds for the app (what it would send). */
export async function sessionCookieOf(context: BrowserContext, baseUrl: string): Promise<string> {
  const cookie = (await context.cookies(baseUrl)).find((c) => c.name === "trellis_session");
  if (!cookie) throw new Error("the browser holds no session cookie");
  return `${cookie.name}=${cookie.value}`;
}

/** fetch() with someone's session cookie and the Origin a browser adds (the CSRF check). */
export function fetchAs(cookie: string, url: string, init: { method?: string; body?: unknown } = {}): Promise<Response> {
  const headers: Record<string, string> = { cookie, origin: new URL(url).origin };
  if (init.body !== undefined) headers["content-type"] = "application/json";
  return fetch(url, { method: init.method ?? "GET", headers, body: init.body === undefined ? undefined : JSON.stringify(init.body) });
}
