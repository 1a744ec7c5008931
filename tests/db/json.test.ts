import { describe, expect, it } from "vitest";
import { jsonSafe } from "@/lib/db/json";

describe("jsonSafe", () => {
  it("removes NUL characters and replaces lone surrogates at any depth, keeping valid pairs", () => {
    const input = { a: "x\u0000y", list: ["\uD83D", "ok 😀", { deep: "\uDE00!" }], n: 1, b: true, nil: null };
    expect(jsonSafe(input)).toEqual({ a: "xy", list: ["\uFFFD", "ok 😀", { deep: "\uFFFD!" }], n: 1, b: true, nil: null });
  });

  it("drops what JSON cannot hold and turns dates into strings, as storing in jsonb would", () => {
    expect(jsonSafe({ gone: undefined, fn: () => 1, at: new Date(0) })).toEqual({ at: "1970-01-01T00:00:00.000Z" });
    expect(jsonSafe(undefined)).toBeNull();
  });

  it("leaves Chinese text untouched", () => {
    expect(jsonSafe("我们使用向量数据库进行检索。")).toBe("我们使用向量数据库进行检索。");
  });
});
