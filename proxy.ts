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
  if (isPublicPath(pathname)) return NextResponse.next();
  const hasCredentials = request.cookies.has(SESSION_COOKIE) || request.headers.has("authorization");
  if (hasCredentials) {
    // Pages read this to send someone whose session expired back here after logging in.
    const forwarded = new Headers(request.headers);
    forwarded.set("x-trellis-path", `${pathname}${search}`);
    return NextResponse.next({ request: { headers: forwarded } });
  }
  if (pathname.toLowerCase().startsWith("/api")) {
    const chosen = request.cookies.get(LOCALE_COOKIE)?.value;
    const zh = (isLocale(chosen) ? chosen : localeFromAcceptLanguage(request.headers.get("accept-language"))) === "zh";
    const message = zh ? "请先登录，或以 “Authorization: Bearer …” 发送 API 密钥。" : "Log in first, or send an API key as “Authorization: Bearer …”.";
    return NextResponse.json({ error: { code: "unauthenticated", message } }, { status: 401 });
  }
  const login = new URL("/login", request.url);
  if (pathname !== "/") login.searchParams.set("next", `${pathname}${search}`);
  return NextResponse.redirect(login);
}

export const config = {
  // Everything except the build's static files and icons (they hold no data).
  matcher: ["/((?!_next/static|_next/image|favicon.ico|icon.svg).*)"],
};
