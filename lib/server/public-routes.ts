/**
 * The only surfaces anyone may reach without logging in (C1). Everything else — every studio
 * page and every /api route — needs a session or an API key. The proxy (proxy.ts) lets these
 * through; the route-enumeration test (tests/e2e/routes-auth.test.ts) calls every route of the
 * built app without credentials and fails for any route that answers but is not listed here.
 * The published-bot surfaces are public too: they are reached by a bot's slug with an end-user
 * token (lib/server/bots/credentials.ts) or a bot API key `tbk_…`, checked inside each route.
 * The published chat page (/c/SLUG) and its embeddable twin (/embed/SLUG) are public by design;
 * they get their own CSP in the proxy (lib/server/chat-page-csp.ts). The widget script itself,
 * /widget.js, is a static file and skips the proxy like the icons.
 */
export const PUBLIC_API_ROUTES: ReadonlyArray<{ path: string; methods: readonly string[] }> = [
  { path: "/api/v1/health", methods: ["GET"] },
  { path: "/api/v1/auth/state", methods: ["GET"] },
  { path: "/api/v1/auth/setup", methods: ["POST"] },
  { path: "/api/v1/auth/login", methods: ["POST"] },
  { path: "/api/v1/auth/invites/[token]", methods: ["GET"] },
  { path: "/api/v1/auth/invites/[token]/accept", methods: ["POST"] },
  { path: "/api/v1/public/bots/[slug]", methods: ["GET"] },
  { path: "/api/v1/public/bots/[slug]/sessions", methods: ["POST"] },
  { path: "/api/v1/public/bots/[slug]/conversations", methods: ["GET"] },
  { path: "/api/v1/public/bots/[slug]/conversations/[conversationId]", methods: ["GET", "DELETE"] },
  { path: "/api/v1/public/bots/[slug]/chat", methods: ["POST"] },
  { path: "/api/v1/public/bots/[slug]/messages/[messageId]/feedback", methods: ["POST"] },
  { path: "/api/v1/bots/[slug]/chat", methods: ["POST"] },
  { path: "/api/v1/bots/[slug]/conversations", methods: ["GET"] },
  { path: "/api/v1/bots/[slug]/conversations/[conversationId]", methods: ["GET"] },
  { path: "/api/v1/bots/[slug]/messages/[messageId]/feedback", methods: ["POST"] },
  { path: "/api/v1/openai/chat/completions", methods: ["POST"] },
  { path: "/api/v1/openai/models", methods: ["GET"] },
];

export const PUBLIC_PAGES: readonly string[] = ["/login", "/setup", "/invite/[token]", "/c/[slug]", "/embed/[slug]"];

function matches(pattern: string, pathname: string): boolean {
  const want = pattern.split("/");
  const got = pathname.split("/");
  if (want.length !== got.length) return false;
  return want.every((segment, i) => (segment.startsWith("[") ? /^[A-Za-z0-9_-]{1,128}$/.test(got[i]) : segment === got[i]));
}

/** True when `pathname` (already decoded and normalised by Next.js) is a public page or API route. */
export function isPublicPath(pathname: string): boolean {
  const path = pathname.length > 1 && pathname.endsWith("/") ? pathname.slice(0, -1) : pathname;
  return PUBLIC_API_ROUTES.some((r) => matches(r.path, path)) || PUBLIC_PAGES.some((p) => matches(p, path));
}
