const BASE = "http://trellis.invalid";

/**
 * Where to go after signing in: the `next` query value when it is a path on this site, else "/".
 * Rejects protocol-relative ("//evil.example"), backslash ("/\evil.example"), absolute and
 * scheme URLs, so a crafted login link cannot send someone elsewhere (open redirect).
 * @example safeNextPath("/flows/abc?tab=test") // "/flows/abc?tab=test"
 * @example safeNextPath("//evil.example")      // "/"
 */
export function safeNextPath(next: string | string[] | null | undefined): string {
  if (typeof next !== "string" || !next.startsWith("/") || next.startsWith("//") || next.includes("\\")) return "/";
  // Browsers drop tabs and newlines inside URLs, so "/\t/evil.example" would become "//evil.example".
  if ([...next].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)) return "/";
  let url: URL;
  try {
    url = new URL(next, BASE);
  } catch {
    return "/";
  }
  if (url.origin !== BASE) return "/";
  const path = `${url.pathname}${url.search}${url.hash}`;
  // Signing in again or setting up after signing in is never the place to land.
  if (/^\/(login|setup)(\/|\?|#|$)/.test(path)) return "/";
  return path;
}
