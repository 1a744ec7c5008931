/**
 * Checks on text that arrives from outside (request bodies, path segments, run inputs) before
 * anything stores or runs it. PostgreSQL cannot store a NUL character or an unpaired UTF-16
 * surrogate in text or jsonb, and a value nested deeper than the stack allows breaks every
 * recursive walk after it (JSON.stringify, redaction, the database driver): such input is
 * refused at the door with a 400, instead of failing later — after a run already did its work.
 */

// eslint-disable-next-line no-control-regex -- the NUL character is exactly what is refused
const NUL = /\u0000/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * True when a string holds a character no text column can store: NUL, or half of a surrogate
 * pair (what `\uD800` in JSON, or invalid UTF-8 decoded leniently, becomes).
 * @example hasInvalidText("a\u0000b") // true
 * @example hasInvalidText("你好 🌿") // false
 */
export function hasInvalidText(text: string): boolean {
  return NUL.test(text) || LONE_SURROGATE.test(text);
}

/**
 * The text without control, format and broken characters, for naming a field in a message.
 * @example printable("city\u0000") // "city"
 */
export function printable(text: string): string {
  return text.replace(/[^\P{C}\s]/gu, "");
}

export type JsonProblem =
  /** A string value or an object key holds NUL or a lone surrogate. */
  | { kind: "invalid_text"; path: string }
  /** Objects and arrays nested deeper than allowed. */
  | { kind: "too_deep"; path: string; maxDepth: number };

interface Pending {
  value: unknown;
  depth: number;
  parent: Pending | null;
  key: string;
}

function pathOf(entry: Pending): string {
  const parts: string[] = [];
  for (let at: Pending | null = entry; at?.parent; at = at.parent) parts.push(at.key);
  return parts.reverse().join(".");
}

/**
 * The first problem in a parsed JSON value, or null: invalid text in any string or key, or
 * nesting deeper than `maxDepth` (the root object is depth 1). Walks without recursion, so a
 * value 100,000 levels deep is answered, not a stack overflow.
 * @example findJsonProblem({ variables: { "a\u0000": 1 } }, { maxDepth: 32 }) // { kind: "invalid_text", path: "variables.a" }
 */
export function findJsonProblem(value: unknown, limits: { maxDepth: number }): JsonProblem | null {
  const stack: Pending[] = [{ value, depth: 0, parent: null, key: "" }];
  while (stack.length) {
    const entry = stack.pop()!;
    const current = entry.value;
    if (typeof current === "string") {
      if (hasInvalidText(current)) return { kind: "invalid_text", path: pathOf(entry) };
      continue;
    }
    if (current === null || typeof current !== "object") continue;
    const depth = entry.depth + 1;
    if (depth > limits.maxDepth) return { kind: "too_deep", path: pathOf(entry), maxDepth: limits.maxDepth };
    if (Array.isArray(current)) {
      for (let i = current.length - 1; i >= 0; i--) stack.push({ value: current[i], depth, parent: entry, key: String(i) });
      continue;
    }
    for (const [key, inner] of Object.entries(current)) {
      const child = { value: inner, depth, parent: entry, key: printable(key) };
      if (hasInvalidText(key)) return { kind: "invalid_text", path: pathOf(child) };
      stack.push(child);
    }
  }
  return null;
}
