import { describe, expect, it } from "vitest";
import { FreshCache } from "@/lib/server/fresh-cache";

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe("FreshCache: key checks remembered briefly", () => {
  it("lets concurrent requests for a missing entry share one load", async () => {
    const cache = new FreshCache<string>(5_000);
    let loads = 0;
    const load = async () => {
      loads++;
      await tick();
      return "principal";
    };
    const results = await Promise.all(Array.from({ length: 50 }, () => cache.get("k", load, 0)));
    expect(results.every((r) => r === "principal")).toBe(true);
    expect(loads).toBe(1);
  });

  it("re-checks in the background after half the time, and a revocation is seen before the time is up", async () => {
    const cache = new FreshCache<string | null>(5_000);
    let revoked = false;
    const seen: (string | null | undefined)[] = [];
    const load = async (previous: string | null | undefined) => {
      seen.push(previous);
      return revoked ? null : "principal";
    };
    expect(await cache.get("k", load, 0)).toBe("principal");
    revoked = true;
    // Within the first half: no load at all.
    expect(await cache.get("k", load, 2_000)).toBe("principal");
    expect(seen).toEqual([undefined]);
    // After half the time: answered at once from memory, checked again meanwhile with the previous value.
    expect(await cache.get("k", load, 3_000)).toBe("principal");
    await tick();
    expect(seen).toEqual([undefined, "principal"]);
    expect(await cache.get("k", load, 3_500)).toBeNull();
  });

  it("never serves an entry older than its time, and does not remember a failed load", async () => {
    const cache = new FreshCache<string>(5_000);
    let n = 0;
    expect(await cache.get("k", async () => `v${++n}`, 0)).toBe("v1");
    expect(await cache.get("k", async () => `v${++n}`, 5_000)).toBe("v2");
    await expect(cache.get("other", async () => Promise.reject(new Error("database away")), 0)).rejects.toThrow("database away");
    expect(await cache.get("other", async () => "back", 1)).toBe("back");
  });

  it("forgets, at once, the entries a revocation names", async () => {
    const cache = new FreshCache<{ id: string }>(5_000);
    await cache.get("digest-a", async () => ({ id: "key1" }), 0);
    await cache.get("digest-b", async () => ({ id: "key2" }), 0);
    cache.deleteWhere((v) => v.id === "key1");
    let loaded = false;
    await cache.get("digest-a", async () => ((loaded = true), { id: "key1" }), 1);
    expect(loaded).toBe(true);
    expect(await cache.get("digest-b", async () => ({ id: "changed" }), 1)).toEqual({ id: "key2" });
  });
});
