/**
 * Which URLs from model output may become a link or an image (C16). Only absolute http, https
 * and mailto links pass: `javascript:`, `data:`, `vbscript:`, `file:` and every relative or
 * protocol-relative form (`//evil.example`, `/x`, `?q`) are refused, because what the model
 * writes is attacker-controlled (a poisoned document can make it write anything). The check is
 * the browser's own URL parser, so tricks it would undo (tabs and newlines inside the scheme,
 * leading control characters, upper case) are undone before the scheme is compared.
 * @example safeHref("java\tscript:alert(1)") // null
 * @example safeHref("https://example.com/a b") // "https://example.com/a%20b"
 */
export function safeHref(raw: string): string | null {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return null;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:" && url.protocol !== "mailto:") return null;
  if (url.protocol !== "mailto:" && !url.hostname) return null;
  return url.href;
}

/**
 * An image source the page may load: http(s) on one of `allowedOrigins` (the Trellis origin
 * itself). Anything else is shown as a link instead, so an answer cannot make the reader's
 * browser send a request (and the conversation in its query string) to a third party.
 * @example safeImageSrc("https://attacker.example/?q=secret", ["https://trellis.example"]) // null
 */
export function safeImageSrc(raw: string, allowedOrigins: readonly string[]): string | null {
  const href = safeHref(raw);
  if (!href || href.startsWith("mailto:")) return null;
  return allowedOrigins.includes(new URL(href).origin) ? href : null;
}
