import { afterEach, describe, expect, it, vi } from "vitest";
import type { RunEvent } from "@/lib/flow/run-record";
import { TraceWriter, type TraceStep } from "@/lib/server/trace-writer";

const at = 1_700_000_000_000;
const started = (nodeId: string): RunEvent => ({ type: "node-started", at, nodeId, nodeType: "llm", inputs: { prompt: "你好" } });
const token = (nodeId: string, text: string): RunEvent => ({ type: "token", nodeId, text, answer: true });

describe("TraceWriter", () => {
  afterEach(() => vi.useRealTimers());

  it("writes steps in batches on a timer, never once per token", async () => {
    vi.useFakeTimers();
    const writes: TraceStep[][] = [];
    const writer = new TraceWriter(async (steps) => void writes.push(steps), 500);
    writer.observe(started("llm"));
    for (let i = 0; i < 200; i++) writer.observe(token("llm", "字"));
    expect(writes).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(500);
    expect(writes).toHaveLength(1);
    expect(writes[0][0]).toMatchObject({ nodeId: "llm", status: "running", outputs: { partial: "字".repeat(200) } });
  });

  it("keeps the inputs and the partial answer of a node that failed mid-stream", async () => {
    const writes: TraceStep[][] = [];
    const writer = new TraceWriter(async (steps) => void writes.push(steps), 10_000);
    writer.observe(started("llm"));
    writer.observe(token("llm", "半句"));
    writer.observe({ type: "node-failed", at, nodeId: "llm", nodeType: "llm", error: { code: "PROVIDER_STREAM_BROKEN", message: "broken" }, durationMs: 12 });
    await writer.flush();
    const step = writes.flat().at(-1)!;
    expect(step).toMatchObject({ status: "failed", inputs: { prompt: "你好" }, outputs: { partial: "半句" }, error: { code: "PROVIDER_STREAM_BROKEN" }, durationMs: 12 });
  });

  it("numbers steps in the order nodes started and records skipped nodes", async () => {
    const writes: TraceStep[][] = [];
    const writer = new TraceWriter(async (steps) => void writes.push(steps), 10_000);
    writer.observe(started("a"));
    writer.observe({ type: "node-finished", at, nodeId: "a", nodeType: "llm", outputs: { text: "x" }, durationMs: 3 });
    writer.observe({ type: "node-skipped", at, nodeId: "b", nodeType: "answer", reason: "branch-not-taken" });
    await writer.flush();
    expect(writes.flat().map((s) => [s.seq, s.nodeId, s.status])).toEqual([
      [0, "a", "succeeded"],
      [1, "b", "skipped"],
    ]);
  });

  it("goes on writing after a failed write, and the failed batch is written with the next one (nothing is lost)", async () => {
    let calls = 0;
    const saved: string[] = [];
    const writer = new TraceWriter(async (steps) => {
      calls++;
      if (calls === 1) throw new Error("database down");
      saved.push(...steps.map((s) => s.nodeId));
    }, 10_000);
    writer.observe(started("a"));
    await expect(writer.flush()).rejects.toThrow("database down");
    writer.observe(started("b"));
    await writer.flush();
    expect(saved.sort()).toEqual(["a", "b"]);
  });
});
