import { NextResponse, type NextRequest } from "next/server";
import { SESSION_COOKIE } from "@/lib/auth/session-cookie";
import { isLocale, LOCALE_COOKIE, localeFromAcceptLanguage } from "@/lib/i18n/locale";
import { isPublicPath } from "@/lib/server/public-routes";

/**
 * The first gate (C1): a request for anything but a public surface must carry a session cookie
 * or an Authorization header, or it goes no further — API calls get 401, pages a redirect to
 * /login. This only checks that credentials are present; route() and the studio layout verify
 * them against the database and check the role. Static build assets are excluded by the matcher.
 */
export function proxy(request: NextRequest) {
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

export const config = {
  // Everything except the build's static files and icons (they hold no data).
  matcher: ["/((?!_next/static|_next/image|favicon.ico|icon.svg).*)"],
};
