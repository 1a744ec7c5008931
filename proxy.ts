import { NextResponse, type NextRequest } from "next/server";
import { SESSION_COOKIE } from "@/lib/auth/session-cookie";
import { isLocale, LOCALE_COOKIE, localeFromAcceptLanguage } from "@/lib/i18n/locale";
import { chatPageCsp, chatPageOf } from "@/lib/server/chat-page-csp";
import { isPublicPath } from "@/lib/server/public-routes";

/**
 * The first gate (C1): a request for anything but a public surface must carry a session cookie
 * or an Authorization header, or it goes no further — API calls get 401, pages a redirect to
 * /login. This only checks that credentials are present; route() and the studio layout verify
 * them against the database and check the role. Static build assets are excluded by the matcher.
 */
export async function proxy(request: NextRequest) {
  // A malformed path never reaches a chat page: the gate answers it with a 404.
  const chatPage = malformedPath(request.nextUrl.pathname) ? null : chatPageOf(request.nextUrl.pathname);
  if (chatPage) return chatPageResponse(request, chatPage);
  const response = gate(request);
  // Other paths under the chat pages' prefixes (404s) are left out of the studio's headers in
  // next.config.js: they get the chat pages' CSP, unframeable.
  if (/^\/(c|embed)\//.test(request.nextUrl.pathname)) response.headers.set("Content-Security-Policy", chatPageCsp({ nonce: nonce(), frameAncestors: [] }));
  return response;
}

function gate(request: NextRequest): NextResponse {
  const { pathname, search } = request.nextUrl;
  // A path that does not decode to text (invalid UTF-8, NUL, control characters) names nothing:
  // 404 here, before the framework's own decoding turns it into a 500.
  if (malformedPath(pathname)) {
    if (!pathname.toLowerCase().startsWith("/api")) return new NextResponse("Not found", { status: 404, headers: { "content-type": "text/plain; charset=utf-8" } });
    return apiError(request, "not_found", { en: "Not found.", zh: "找不到该内容。" }, 404);
  }
  if (isPublicPath(pathname)) return NextResponse.next();
  const hasCredentials = request.cookies.has(SESSION_COOKIE) || request.headers.has("authorization");
  if (hasCredentials) {
    // Pages read this to send someone whose session expired back here after logging in.
    const forwarded = new Headers(request.headers);
    forwarded.set("x-trellis-path", `${pathname}${search}`);
    return NextResponse.next({ request: { headers: forwarded } });
  }
  if (pathname.toLowerCase().startsWith("/api")) {
    return apiError(request, "unauthenticated", { en: "Log in first, or send an API key as “Authorization: Bearer …”.", zh: "请先登录，或以 “Authorization: Bearer …” 发送 API 密钥。" }, 401);
  }
  const login = new URL("/login", request.url);
  if (pathname !== "/") login.searchParams.set("next", `${pathname}${search}`);
  return NextResponse.redirect(login);
}

function apiError(request: NextRequest, code: string, message: { en: string; zh: string }, status: number) {
  const chosen = request.cookies.get(LOCALE_COOKIE)?.value;
  const locale = isLocale(chosen) ? chosen : localeFromAcceptLanguage(request.headers.get("accept-language"));
  return NextResponse.json({ error: { code, message: message[locale] } }, { status });
}

function malformedPath(pathname: string): boolean {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return true;
  }
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  return /[\u0000-\u001f\u007f\uFFFD]/.test(decoded);
}

/**
 * A published chat page gets its own CSP with a fresh nonce (Next.js reads it from the request
 * and puts it on its scripts) and, for /embed/, the bot's allowed sites as frame-ancestors.
 * The allowed origins also travel to the page in a request header that is always overwritten
 * here, so a caller cannot supply their own: the embed page trusts postMessage only from them.
 */
async function chatPageResponse(request: NextRequest, page: { kind: "page" | "embed"; slug: string }) {
  const origins = page.kind === "embed" ? await (await import("@/lib/server/embed-origins")).embedOrigins(page.slug) : [];
  const csp = chatPageCsp({ nonce: nonce(), frameAncestors: origins, dev: process.env.NODE_ENV === "development" });
  const forwarded = new Headers(request.headers);
  forwarded.set("content-security-policy", csp);
  forwarded.set("x-trellis-embed-origins", origins.join(" "));
  const response = NextResponse.next({ request: { headers: forwarded } });
  response.headers.set("Content-Security-Policy", csp);
  return response;
}

const nonce = () => btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))));

export const config = {
  // Everything except the build's static files, the icons and the widget script (they hold no data).
  matcher: ["/((?!_next/static|_next/image|favicon.ico|icon.svg|widget.js).*)"],
};
