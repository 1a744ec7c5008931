import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { coalesce } from "@/lib/server/coalesce";

describe("coalesce: writes that arrive together share one call", () => {
  it("merges items given in the same turn, and those arriving while a write runs into the next one", async () => {
    const calls: number[][] = [];
    let release: () => void = () => undefined;
    const write = coalesce(async (items: number[]) => {
      calls.push(items);
      if (calls.length === 1) await new Promise<void>((resolve) => (release = resolve));
    });
    const first = [write(1), write(2), write(3)];
    await new Promise((resolve) => setImmediate(resolve));
    // While the first write is in flight, three more arrive.
    const second = [write(4), write(5), write(6)];
    release();
    await Promise.all([...first, ...second]);
    expect(calls).toEqual([[1, 2, 3], [4, 5, 6]]);
  });

  it("retries each item alone when a merged write fails, so one bad item fails only itself", async () => {
    const calls: string[][] = [];
    const write = coalesce(async (items: string[]) => {
      calls.push(items);
      if (items.includes("bad")) throw new Error("constraint violated");
    });
    const results = await Promise.allSettled([write("a"), write("bad"), write("b")]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(calls).toEqual([["a", "bad", "b"], ["a"], ["bad"], ["b"]]);
  });

  it("fails every item at once when the database is away (503), without retrying them one by one", async () => {
    let calls = 0;
    const away = new AppError("internal:database", { en: "The database is not reachable right now.", zh: "数据库暂时无法连接。" }, 503);
    const write = coalesce(async () => {
      calls++;
      throw away;
    });
    const results = await Promise.allSettled([write(1), write(2)]);
    expect(results).toEqual([{ status: "rejected", reason: away }, { status: "rejected", reason: away }]);
    expect(calls).toBe(1);
  });
});
