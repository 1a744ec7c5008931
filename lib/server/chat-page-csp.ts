/**
 * The Content-Security-Policy of the published chat pages (C16, C17), stricter than the studio's:
 * they show model output to strangers, so scripts run only with this response's nonce (Next.js
 * puts it on its own scripts; 'strict-dynamic' lets those load the page's chunks), images load
 * only from Trellis itself, nothing is fetched from or framed by another origin, and the page may
 * be framed only by the bot's allowed sites (/embed/) or by nobody (/c/).
 * Styles keep 'unsafe-inline': React writes style attributes (the theme colour), and a style
 * cannot run code.
 * @example chatPageCsp({ nonce, frameAncestors: ["https://shop.example"] })
 */
export function chatPageCsp(opts: { nonce: string; frameAncestors: readonly string[]; dev?: boolean }): string {
  const ancestors = opts.frameAncestors.filter(isOrigin);
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${opts.nonce}' 'strict-dynamic'${opts.dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self'",
    "font-src 'self'",
    "connect-src 'self'",
    "media-src 'none'",
    "frame-src 'none'",
    "worker-src 'none'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    `frame-ancestors ${ancestors.length ? ancestors.join(" ") : "'none'"}`,
  ].join("; ");
}

/** Exact origins only (scheme, host, port): anything else could smuggle a directive into the header. */
function isOrigin(value: string): boolean {
  return /^https?:\/\/(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:]+\])(?::\d{1,5})?$/.test(value);
}

/** Which chat page a path is, if any: `/c/SLUG` or `/embed/SLUG`. */
export function chatPageOf(pathname: string): { kind: "page" | "embed"; slug: string } | null {
  const m = /^\/(c|embed)\/([A-Za-z0-9_-]{1,128})\/?$/.exec(pathname);
  return m ? { kind: m[1] === "c" ? "page" : "embed", slug: m[2] } : null;
}
