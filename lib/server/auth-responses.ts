import "server-only";
import type { Account } from "@/lib/db/queries/accounts";
import { LOCALE_COOKIE } from "@/lib/i18n/locale";
import { clearedSessionCookieHeader, sessionCookieHeader } from "./auth";
import { userView } from "./accounts";

/**
 * The response that logs a person in: their user view, the session cookie and — when they chose
 * a language before — the language cookie, so the studio opens in their language on any browser.
 */
export function signedInResponse(req: Request, session: { account: Account; token: string }, status = 200): Response {
  const user = userView(session.account);
  const headers = new Headers({ "content-type": "application/json" });
  headers.append("set-cookie", sessionCookieHeader(req, session.token));
  if (user.locale) headers.append("set-cookie", `${LOCALE_COOKIE}=${user.locale}; Path=/; Max-Age=31536000; SameSite=Lax`);
  return new Response(JSON.stringify({ user }), { status, headers });
}

export function signedOutResponse(req: Request): Response {
  return new Response(null, { status: 204, headers: { "set-cookie": clearedSessionCookieHeader(req) } });
}

/** The caller's address for rate limits (the first X-Forwarded-For hop behind a proxy). */
export function clientAddress(req: Request): string {
  return req.headers.get("x-forwarded-for")?.split(",")[0]?.trim() || req.headers.get("x-real-ip") || "direct";
}
