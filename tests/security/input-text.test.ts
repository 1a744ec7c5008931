import { describe, expect, it } from "vitest";
import { findJsonProblem, hasInvalidText, printable } from "@/lib/security/input-text";

describe("finding 3 and 5: text no database can store, and nesting no walk survives, are found before anything runs", () => {
  it("tells NUL and lone surrogates from ordinary Chinese, emoji and whitespace", () => {
    for (const bad of ["a\u0000b", "\uD800", "x\uDC00", "\uDBFF!"]) expect(hasInvalidText(bad), JSON.stringify(bad)).toBe(true);
    for (const good of ["你好，世界", "🌿 emoji pair", "tab\tand\nnewline", "\uFFFD replacement char is storable", ""]) expect(hasInvalidText(good), good).toBe(false);
  });

  it("names where the bad text is, in a key or a value, without the bad character", () => {
    expect(findJsonProblem({ variables: { "city\u0000": 1 } }, { maxDepth: 32 })).toEqual({ kind: "invalid_text", path: "variables.city" });
    expect(findJsonProblem({ history: [{ content: "ok" }, { content: "\uD83D" }] }, { maxDepth: 32 })).toEqual({ kind: "invalid_text", path: "history.1.content" });
    expect(findJsonProblem({ message: "你好", list: [1, true, null, { a: "🌿" }] }, { maxDepth: 32 })).toBeNull();
    expect(printable("a\u0000b\u200Bc d")).toBe("abc d");
  });

  it("answers for a value 100,000 levels deep instead of overflowing the stack, and counts levels from the root", () => {
    const deep = JSON.parse("[".repeat(100_000) + "]".repeat(100_000));
    expect(findJsonProblem({ v: deep }, { maxDepth: 32 })).toMatchObject({ kind: "too_deep", maxDepth: 32 });
    const nest = (levels: number): unknown => (levels === 0 ? "leaf" : { n: nest(levels - 1) });
    expect(findJsonProblem(nest(31), { maxDepth: 32 })).toBeNull();
    expect(findJsonProblem(nest(32), { maxDepth: 32 })).toBeNull();
    expect(findJsonProblem(nest(33), { maxDepth: 32 })).toMatchObject({ kind: "too_deep" });
  });
});
