import { describe, expect, it } from "vitest";
import { runFlow } from "@/lib/engine/run-flow";
import type { RunEvent } from "@/lib/flow/run-record";
import { collect, finished, makeEdge, makeFlow, makeNode, ofType, runOptions, trace } from "./factories";
import { createProbe, testRegistry } from "./test-registry";

//   [start] --> [slow: delay] --> [answer]
function slowFlow(data: Record<string, unknown>) {
  return makeFlow(
    [makeNode("start", "start"), makeNode("slow", "delay", { tag: "slow", ...data }, { label: "慢节点" }), makeNode("answer", "answer")],
    [makeEdge("start.message", "slow.text"), makeEdge("slow.text", "answer.text")],
  );
}

describe("runFlow: a node fails", () => {
  //            +--> [boom: fail] --> [after: echo] --> [answer]
  //   [start] -+
  //            +--> [side: delay 30] --> [join.b]   [join] <-- [after] is not involved
  it("reports node-failed, skips what depends on it, lets in-flight nodes settle and fails the run", async () => {
    // ARRANGE
    const probe = createProbe();
    const flow = makeFlow(
      [
        makeNode("start", "start"), makeNode("boom", "fail", { message: "disk on fire" }, { label: "Risky step" }),
        makeNode("after", "echo"), makeNode("side", "delay", { ms: 30, tag: "side" }), makeNode("answer", "answer"),
      ],
      [makeEdge("start.message", "boom.text"), makeEdge("boom.text", "after.text"), makeEdge("after.text", "answer.text"), makeEdge("start.message", "side.text")],
    );
    // ACT
    const events = await collect(runFlow(flow, runOptions(testRegistry(probe))));
    // ASSERT
    const failed = ofType(events, "node-failed");
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ nodeId: "boom", error: { code: "NODE_FAILED" } });
    expect(failed[0].error.message).toBe('"Risky step" failed: disk on fire');
    expect(ofType(events, "node-skipped").map((e) => [e.nodeId, e.reason])).toEqual([["after", "upstream-failed"], ["answer", "upstream-failed"]]);
    const t = trace(events);
    expect(t.indexOf("node-finished:side")).toBeGreaterThan(t.indexOf("node-failed:boom"));
    expect(finished(events)).toMatchObject({ status: "failed", error: { code: "NODE_FAILED", nodeId: "boom", message: '"Risky step" failed: disk on fire' } });
    expect(probe.aborted).toEqual([]);
  });

  //   [start] --> [boom: fail with AppError code] --> [answer]
  it("keeps an AppError's code and speaks the run's language", async () => {
    // ARRANGE
    const flow = makeFlow(
      [makeNode("start", "start"), makeNode("boom", "fail", { message: "quota", code: "PROVIDER_AUTH" }), makeNode("answer", "answer")],
      [makeEdge("start.message", "boom.text"), makeEdge("boom.text", "answer.text")],
    );
    // ACT
    const events = await collect(runFlow(flow, runOptions(testRegistry(), { locale: "zh" })));
    // ASSERT
    expect(finished(events).error).toMatchObject({ code: "PROVIDER_AUTH", message: "“出错”运行失败：中文：quota" });
  });
});

describe("runFlow: timeouts and limits", () => {
  it("fails a node that exceeds its timeout with NODE_TIMEOUT and aborts its signal", async () => {
    // ARRANGE
    const probe = createProbe();
    // ACT
    const events = await collect(runFlow(slowFlow({ ms: 5_000 }), runOptions(testRegistry(probe), { limits: { nodeTimeoutMs: 40 } })));
    // ASSERT
    expect(ofType(events, "node-failed")[0]).toMatchObject({ nodeId: "slow", error: { code: "NODE_TIMEOUT" } });
    expect(finished(events).error?.message).toBe('"慢节点" took longer than 40 ms and was stopped.');
    expect(probe.aborted).toEqual([{ nodeId: "slow", reason: "NODE_TIMEOUT" }]);
    expect(ofType(events, "node-skipped").map((e) => e.nodeId)).toEqual(["answer"]);
  });

  it("times out a node that ignores its signal without waiting for it", async () => {
    // ARRANGE
    const started = Date.now();
    // ACT
    const events = await collect(runFlow(slowFlow({ ms: 2_000, ignoreSignal: true }), runOptions(testRegistry(), { limits: { nodeTimeoutMs: 40 }, locale: "zh" })));
    // ASSERT
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(finished(events).error).toMatchObject({ code: "NODE_TIMEOUT", message: "“慢节点”运行超过 40 毫秒，已被停止。" });
  });

  //   [start] --> [e1: echo] --> [e2: echo] --> [answer]   with maxSteps 2
  it("stops with LIMIT_EXCEEDED naming maxSteps when a run executes too many nodes", async () => {
    // ARRANGE
    const flow = makeFlow(
      [makeNode("start", "start"), makeNode("e1", "echo"), makeNode("e2", "echo"), makeNode("answer", "answer")],
      [makeEdge("start.message", "e1.text"), makeEdge("e1.text", "e2.text"), makeEdge("e2.text", "answer.text")],
    );
    // ACT
    const events = await collect(runFlow(flow, runOptions(testRegistry(), { limits: { maxSteps: 2 } })));
    // ASSERT
    expect(ofType(events, "node-started").map((e) => e.nodeId)).toEqual(["start", "e1"]);
    expect(finished(events).error?.code).toBe("LIMIT_EXCEEDED");
    expect(finished(events).error?.message).toMatch(/2 node runs.*maxSteps/);
  });

  it("stops with LIMIT_EXCEEDED naming maxRunMs when the run takes too long, aborting the running node", async () => {
    // ARRANGE
    const probe = createProbe();
    const started = Date.now();
    // ACT
    const events = await collect(runFlow(slowFlow({ ms: 5_000 }), runOptions(testRegistry(probe), { limits: { maxRunMs: 50 }, locale: "zh" })));
    // ASSERT
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(finished(events)).toMatchObject({ status: "failed", error: { code: "LIMIT_EXCEEDED" } });
    expect(finished(events).error?.message).toMatch(/50 毫秒.*maxRunMs/);
    expect(probe.aborted).toEqual([{ nodeId: "slow", reason: "LIMIT_EXCEEDED" }]);
  });

  it("checks maxRunMs against the injected clock before starting a node", async () => {
    // ARRANGE: every clock reading jumps 100 ms, so the second node already starts too late
    let t = 0;
    const now = () => (t += 100);
    // ACT
    const events = await collect(runFlow(slowFlow({ ms: 0 }), runOptions(testRegistry(), { now, limits: { maxRunMs: 250 } })));
    // ASSERT
    expect(finished(events).error?.code).toBe("LIMIT_EXCEEDED");
    expect(ofType(events, "node-started").length).toBeLessThan(3);
  });
});

describe("runFlow: cancellation", () => {
  it("aborts the running node's signal and finishes cancelled when the run's signal aborts", async () => {
    // ARRANGE
    const probe = createProbe();
    const controller = new AbortController();
    const events: RunEvent[] = [];
    // ACT
    for await (const event of runFlow(slowFlow({ ms: 5_000 }), runOptions(testRegistry(probe), { signal: controller.signal }))) {
      events.push(event);
      if (event.type === "node-started" && event.nodeId === "slow") controller.abort();
    }
    // ASSERT
    expect(probe.aborted).toEqual([{ nodeId: "slow", reason: "CANCELLED" }]);
    expect(finished(events)).toMatchObject({ status: "cancelled", error: { code: "CANCELLED", message: "The run was cancelled." } });
  });

  it("finishes promptly even when the running node ignores its signal", async () => {
    // ARRANGE
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 30);
    const started = Date.now();
    // ACT
    const events = await collect(runFlow(slowFlow({ ms: 3_000, ignoreSignal: true }), runOptions(testRegistry(), { signal: controller.signal })));
    // ASSERT
    expect(Date.now() - started).toBeLessThan(500);
    expect(finished(events).status).toBe("cancelled");
  });

  it("finishes cancelled at once when the signal is already aborted", async () => {
    // ACT
    const events = await collect(runFlow(slowFlow({ ms: 10 }), runOptions(testRegistry(), { signal: AbortSignal.abort() })));
    // ASSERT
    expect(trace(events)).toEqual(["run-started", "run-finished:cancelled"]);
  });

  it("aborts the in-flight node when the consumer stops iterating (a disconnected client)", async () => {
    // ARRANGE
    const probe = createProbe();
    // ACT
    for await (const event of runFlow(slowFlow({ ms: 5_000 }), runOptions(testRegistry(probe)))) {
      if (event.type === "node-started" && event.nodeId === "slow") break;
    }
    // ASSERT
    expect(probe.entered).toEqual(["slow"]);
    expect(probe.aborted).toEqual([{ nodeId: "slow", reason: "CANCELLED" }]);
  });
});
