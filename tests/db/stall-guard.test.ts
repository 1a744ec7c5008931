import { describe, expect, it } from "vitest";
import { StallGuard } from "@/lib/db/stall-guard";

const never = () => new Promise<never>(() => undefined);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("C22 stall guard", () => {
  it("C22 a stalled server: the pending call fails once a probe fails, and new calls fail at once until a probe succeeds", async () => {
    let answering = false;
    const lines: string[] = [];
    const guard = new StallGuard(async () => {
      if (!answering) throw new Error("no answer");
    }, { slowMs: 30, retryMs: 30, log: (l) => lines.push(l) });
    const stuck = guard.run(never);
    await expect(stuck).rejects.toMatchObject({ code: "57P03" });
    expect(guard.isUnreachable).toBe(true);
    await expect(guard.run(async () => 1)).rejects.toMatchObject({ code: "57P03" });
    answering = true;
    await sleep(100);
    expect(guard.isUnreachable).toBe(false);
    await expect(guard.run(async () => 2)).resolves.toBe(2);
    expect(lines.join("\n")).toMatch(/failing fast[\s\S]*answers again/);
    guard.dispose();
  });

  it("a slow query on a healthy server is left alone (the probe answers)", async () => {
    let probes = 0;
    const guard = new StallGuard(async () => {
      probes += 1;
    }, { slowMs: 20, log: () => undefined });
    await expect(guard.run(() => sleep(120).then(() => "done"))).resolves.toBe("done");
    expect(probes).toBeGreaterThanOrEqual(1);
    expect(guard.isUnreachable).toBe(false);
    guard.dispose();
  });

  it("gives back what arrives after the call was failed (a pooled client is released, not leaked)", async () => {
    const guard = new StallGuard(async () => {
      throw new Error("down");
    }, { slowMs: 10, retryMs: 1_000, log: () => undefined });
    let released: unknown = null;
    let deliver!: (v: { id: number }) => void;
    const late = guard.run(() => new Promise<{ id: number }>((r) => (deliver = r)), (v) => (released = v));
    await expect(late).rejects.toMatchObject({ code: "57P03" });
    deliver({ id: 7 });
    await sleep(5);
    expect(released).toEqual({ id: 7 });
    guard.dispose();
  });
});
