/**
 * Makes a value storable in a jsonb column. PostgreSQL rejects two things JavaScript strings
 * may hold — the NUL character (common in text pulled out of PDFs) and unpaired UTF-16
 * surrogates (a model stream cut mid-emoji) — and a run trace must not fail because a document
 * contained one. NUL is dropped, a lone surrogate becomes U+FFFD; everything else is unchanged.
 * Non-JSON values (undefined, functions) are dropped the way JSON.stringify drops them.
 * @example jsonSafe({ text: "a\u0000b" }) // { text: "ab" }
 */
export function jsonSafe<T>(value: T): T {
  const text = JSON.stringify(value, (_key, v: unknown) => (typeof v === "string" ? cleanString(v) : v));
  return (text === undefined ? null : JSON.parse(text)) as T;
}

// eslint-disable-next-line no-control-regex -- the NUL character is exactly what must be removed
const nul = /\u0000/g;
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

function cleanString(value: string): string {
  return value.replace(nul, "").replace(loneSurrogate, "\uFFFD");
}
