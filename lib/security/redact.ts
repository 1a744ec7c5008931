/**
 * Secret redaction for everything the server writes down: trace steps, logs, exports (C24).
 * A trace is read later by people who may not hold the secrets a flow used (an HTTP node's
 * bearer token, a header copied into a prompt), and a log file is read by whoever runs the
 * server; neither must be a place where a credential can be found.
 *
 * Three rules, applied to a deep copy (the original is never changed):
 * 1. a value under a key that names a credential (authorization, cookie, x-api-key, api_key,
 *    token, secret, password, credential, …) becomes "[redacted]", whatever its type (but a
 *    boolean such as `hasSecret: true` says nothing and stays);
 * 2. inside any string, `Bearer <token>` / `Basic <token>` keep only the scheme, and
 *    header-like lines (`Authorization: …`, `X-API-Key: …`) lose their value;
 * 3. any string containing a known secret value (e.g. a provider API key) has it replaced.
 */

export const REDACTED = "[redacted]";

/** Key names whose values are credentials: matched on the key with `-`, `_`, spaces ignored. */
const SECRET_KEY = /^(authorization|proxyauthorization|cookie|setcookie|xapikey|apikey|accesskey|secretkey|privatekey|clientsecret|sessionid|.*token|.*secret|.*password|passwd|.*credentials?)$/;
/**
 * Scheme + token inside free text: "Bearer sk-live-…", "Basic dXNlcjpwYXNz". A scheme word is
 * never taken for the token ("token Bearer sk-…" masks sk-…, not the word "Bearer").
 */
const AUTH_SCHEME = /\b(Bearer|Basic|Token)\s+(?!(?:Bearer|Basic|Token)\b)[A-Za-z0-9._~+/=-]{6,}/gi;
/** A header written out in text: "Authorization: …", "x-api-key = …", "Cookie: …" up to the line end. */
const HEADER_LINE = /\b(authorization|proxy-authorization|cookie|set-cookie|x-api-key|api[-_]?key)(["']?\s*[:=]\s*["']?)([^\r\n"',}]+)/gi;
/** Shorter known secrets are not searched for in text: "abc" would mangle ordinary words. */
const MIN_KNOWN_SECRET = 6;
const MAX_DEPTH = 64;

function normalizeKey(key: string): string {
  return key.toLowerCase().replace(/[\s_-]/g, "");
}

/** True for a key or header name that names a credential ("Authorization", "X-API-Key", "client_secret"…). */
export function isSecretName(name: string): boolean {
  return SECRET_KEY.test(normalizeKey(name));
}

/**
 * Whether a property name holds a credential.
 * @example isSecretKey("X-API-Key") // true
 * @example isSecretKey("tokens") // false (a token count, not a token)
 */
export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(normalizeKey(key));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * Masks credentials inside one string: auth schemes, header lines, and known secret values.
 * @example redactText("curl -H 'Authorization: Bearer sk-live-123456'") // "curl -H 'Authorization: [redacted]'"
 */
export function redactText(text: string, knownSecrets: readonly string[] = []): string {
  let out = text;
  for (const secret of knownSecrets) {
    if (secret.length >= MIN_KNOWN_SECRET && out.includes(secret)) out = out.replace(new RegExp(escapeRegExp(secret), "g"), REDACTED);
  }
  out = out.replace(HEADER_LINE, (_match, name: string, separator: string) => `${name}${separator}${REDACTED}`);
  out = out.replace(AUTH_SCHEME, (_match, scheme: string) => `${scheme} ${REDACTED}`);
  return out;
}

function redactValue(value: unknown, known: readonly string[], depth: number, seen: WeakSet<object>): unknown {
  if (typeof value === "string") return redactText(value, known);
  if (value === null || typeof value !== "object") return value;
  if (depth > MAX_DEPTH || seen.has(value)) return REDACTED;
  if (value instanceof Date) return new Date(value.getTime());
  seen.add(value);
  try {
    if (Array.isArray(value)) return value.map((item) => redactValue(item, known, depth + 1, seen));
    if (value instanceof Error) return { name: value.name, message: redactText(value.message, known), stack: value.stack ? redactText(value.stack, known) : undefined };
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      out[key] = isSecretKey(key) && inner !== null && inner !== undefined && inner !== "" && typeof inner !== "boolean" ? REDACTED : redactValue(inner, known, depth + 1, seen);
    }
    return out;
  } finally {
    seen.delete(value);
  }
}

/**
 * A deep copy of `value` with credentials replaced by "[redacted]": values under credential-named
 * keys, bearer/basic tokens and header lines inside strings, and every occurrence of a known
 * secret. Safe on cycles and very deep values (cut at depth 64).
 * @example
 * redactSecrets({ headers: { Authorization: "Bearer sk-1" }, note: "key sk-live-9f8e7d" }, ["sk-live-9f8e7d"])
 * // { headers: { Authorization: "[redacted]" }, note: "key [redacted]" }
 */
export function redactSecrets<T>(value: T, knownSecrets: readonly string[] = []): T {
  const known = [...new Set(knownSecrets.filter((s) => typeof s === "string" && s.length >= MIN_KNOWN_SECRET))].sort((a, b) => b.length - a.length);
  return redactValue(value, known, 0, new WeakSet()) as T;
}

/** An error as a log shows it (stack, then each cause), as one string. */
function describeError(error: Error): string {
  const lines: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 5; depth++) {
    lines.push(`${depth ? "Caused by: " : ""}${current.stack ?? `${current.name}: ${current.message}`}`);
    current = current.cause;
  }
  return lines.join("\n");
}

/**
 * The arguments of a log call, redacted, for `console.error(...redactLogArgs(args))`. Errors
 * become their stack text (causes included), redacted like any other string.
 * @example console.error(...redactLogArgs(["[trellis]", error]))
 */
export function redactLogArgs(args: readonly unknown[], knownSecrets: readonly string[] = []): unknown[] {
  return args.map((arg) => (arg instanceof Error ? redactText(describeError(arg), knownSecrets) : redactSecrets(arg, knownSecrets)));
}
