const createNextIntlPlugin = require("next-intl/plugin");

const withNextIntl = createNextIntlPlugin("./lib/i18n/request.ts");

/**
 * Content-Security-Policy of the studio (C9/C16). Next.js without nonces inlines its bootstrap and
 * RSC payload scripts (`self.__next_f.push(…)`) and React sets inline styles, hence
 * 'unsafe-inline' for scripts and styles; everything else is same-origin only. Pages are never
 * framed (frame-ancestors 'none' + X-Frame-Options DENY).
 * Public chat pages and the embed widget (later) must differ: they are framed by the allow-listed
 * origins of their bot (C17), so they will get their own `headers()` entry with
 * `frame-ancestors <allowed origins>` and no X-Frame-Options.
 */
const contentSecurityPolicy = [
  "default-src 'self'",
  // `npm run dev` only: React's development build uses eval to rebuild server call stacks.
  process.env.NODE_ENV === "development" ? "script-src 'self' 'unsafe-inline' 'unsafe-eval'" : "script-src 'self' 'unsafe-inline'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
].join("; ");

/** Sent with every response, API included. No Access-Control-* headers anywhere: the API is same-origin only. */
const securityHeaders = [
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
  { key: "X-Frame-Options", value: "DENY" },
  { key: "Content-Security-Policy", value: contentSecurityPolicy },
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=(), payment=()" },
];

/**
 * The framework copies a request's body for proxy.ts and, by default, passes on only its first
 * 10 MB: a larger upload reached the route cut short. The copy may be as large as an upload
 * request (lib/server/knowledge-upload.ts `uploadRequestBytes`: twice the per-file limit
 * TRELLIS_MAX_UPLOAD_MB, plus 1 MB). Read when the server starts, so the variable applies to
 * `npm start` without rebuilding; JSON routes still stop at 2 MB by Content-Length, unread.
 */
function uploadRequestBytes() {
  const perFileMb = Number(process.env.TRELLIS_MAX_UPLOAD_MB || 50);
  const mb = Number.isFinite(perFileMb) && perFileMb > 0 ? Math.min(perFileMb, 2048) : 50;
  return Math.ceil((2 * mb + 1) * 1024 * 1024);
}

/** @type {import('next').NextConfig} */
const nextConfig = {
  // Loaded from node_modules at run time: PGlite ships WASM and data files, pdf.js its worker
  // script, QuickJS its WASM, jieba a native addon — bundled copies cannot find them.
  serverExternalPackages: ["@electric-sql/pglite", "@electric-sql/pglite-pgvector", "@node-rs/jieba", "pg", "pg-boss", "pdf-parse", "pdfjs-dist", "quickjs-emscripten"],
  poweredByHeader: false,
  experimental: { proxyClientMaxBodySize: uploadRequestBytes() },
  // Lets parallel builds (several worktrees' e2e runs on one machine) use separate output folders.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  async headers() {
    return [{ source: "/:path*", headers: securityHeaders }];
  },
};

module.exports = withNextIntl(nextConfig);
