import type { BrowserContext } from "playwright-core";

/**
 * The owner session of each app the tests started (startApp logs in as the owner it created
 * through TRELLIS_ADMIN_EMAIL / TRELLIS_ADMIN_PASSWORD). `authFetch` sends it the way the studio
 * does: the session cookie plus the Origin header browsers add to writes (the CSRF check).
 * Tests of unauthenticated behaviour use plain `fetch`.
 */
const sessions = new Map<string, string>();
let latest: string | undefined;

export function registerSession(origin: string, cookie: string): void {
  sessions.set(origin, cookie);
  latest = origin;
}

export function forgetSession(origin: string): void {
  sessions.delete(origin);
  if (latest === origin) latest = [...sessions.keys()].at(-1);
}

export function sessionCookie(origin: string): string | undefined {
  return sessions.get(origin);
}

/** fetch() as the logged-in owner of the app at the URL's origin (unless the caller sets its own credentials). */
export function authFetch(input: string | URL, init: RequestInit = {}): Promise<Response> {
  const url = new URL(String(input));
  const headers = new Headers(init.headers);
  const cookie = sessions.get(url.origin);
  if (cookie && !headers.has("cookie") && !headers.has("authorization")) {
    headers.set("cookie", cookie);
    if (!headers.has("origin")) headers.set("origin", url.origin);
  }
  return fetch(url, { ...init, headers });
}

/** Puts the owner's session cookie into a browser context (the app started last, or the given origin). */
export async function signInContext(context: BrowserContext, origin = latest): Promise<void> {
  const cookie = origin ? sessions.get(origin) : undefined;
  if (!origin || !cookie) return;
  const [name, value] = cookie.split("=");
  await context.addCookies([{ name, value, url: origin, httpOnly: true, sameSite: "Lax" }]);
}

/** Logs in through the API; returns the `name=value` session cookie. */
export async function login(origin: string, email: string, password: string): Promise<string> {
  const res = await fetch(`${origin}/api/v1/auth/login`, { method: "POST", headers: { "content-type": "application/json", origin }, body: JSON.stringify({ email, password }) });
  if (res.status !== 200) throw new Error(`login as ${email} failed: ${res.status} ${await res.text()}`);
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith("trellis_session="));
  if (!cookie) throw new Error("login answered without a session cookie");
  return cookie.split(";")[0];
}
