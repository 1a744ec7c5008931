import { describe, expect, it } from "vitest";
import { runFlow } from "@/lib/engine/run-flow";
import type { FlowDocument } from "@/lib/flow/schema";
import conditionFixture from "../fixtures/flows/condition-branches.json";
import linearFixture from "../fixtures/flows/linear-echo.json";
import { collect, finished, makeEdge, makeFlow, makeNode, ofType, runOptions, trace } from "./factories";
import { testRegistry } from "./test-registry";

const registry = testRegistry();

describe("runFlow: order and data", () => {
  //   [start] --message--> [echo] --text--> [answer]
  it("runs a linear flow in order and answers with the last node's text", async () => {
    // ARRANGE
    const flow = makeFlow(
      [makeNode("start", "start"), makeNode("echo", "echo"), makeNode("answer", "answer")],
      [makeEdge("start.message", "echo.text"), makeEdge("echo.text", "answer.text")],
    );
    // ACT
    const events = await collect(runFlow(flow, runOptions(registry, { input: { message: "你好", history: [], variables: {} } })));
    // ASSERT
    expect(trace(events)).toEqual([
      "run-started",
      "node-started:start", "node-finished:start",
      "node-started:echo", "node-finished:echo",
      "node-started:answer", "node-finished:answer",
      "run-finished:succeeded",
    ]);
    expect(ofType(events, "node-started")[1].inputs).toEqual({ text: "你好" });
    expect(ofType(events, "node-finished")[1].outputs).toEqual({ text: "你好" });
    expect(finished(events).answer).toEqual({ text: "你好", citations: [] });
    expect(events[0]).toMatchObject({ type: "run-started", nodeCount: 3 });
  });

  it("stamps events with the injected clock", async () => {
    // ARRANGE: a clock that advances 5 ms per reading
    let t = 1_000;
    const now = () => (t += 5);
    // ACT
    const events = await collect(runFlow(linearFixture as FlowDocument, runOptions(registry, { now })));
    // ASSERT
    const ats = events.flatMap((e) => ("at" in e ? [e.at] : []));
    expect(ats).toEqual([...ats].sort((a, b) => a - b));
    expect(ats[0]).toBeGreaterThan(1_000);
    for (const e of ofType(events, "node-finished")) expect(e.durationMs).toBeGreaterThan(0);
  });

  //            +--> [a: delay 60] --text--> [join.a]
  //   [start] -+                                     [join] --> [answer]
  //            +--> [b: delay 60] --text--> [join.b]
  it("starts independent branches concurrently", async () => {
    // ARRANGE
    const flow = makeFlow(
      [makeNode("start", "start"), makeNode("a", "delay", { ms: 60, tag: "a" }), makeNode("b", "delay", { ms: 60, tag: "b" }), makeNode("join", "join"), makeNode("answer", "answer")],
      [makeEdge("start.message", "a.text"), makeEdge("start.message", "b.text"), makeEdge("a.text", "join.a"), makeEdge("b.text", "join.b"), makeEdge("join.text", "answer.text")],
    );
    // ACT
    const events = await collect(runFlow(flow, runOptions(registry)));
    // ASSERT: both delays start before either finishes
    const t = trace(events);
    const firstFinish = Math.min(t.indexOf("node-finished:a"), t.indexOf("node-finished:b"));
    expect(t.indexOf("node-started:a")).toBeLessThan(firstFinish);
    expect(t.indexOf("node-started:b")).toBeLessThan(firstFinish);
    expect(finished(events).answer?.text).toBe("hello+hello");
  });
});

describe("runFlow: branches", () => {
  //                        yes
  //   [start] --> [cond] -------> [upper] --> [join.a]
  //                  |     no                              [join] --> [answer]
  //                  +----------> [echo]  --> [join.b]
  //                  +--no------> [answer2]   (only reachable through "no")
  it("skips the branch a condition does not take and runs the aggregator with one dead input", async () => {
    // ARRANGE
    const flow = makeFlow(
      [
        makeNode("start", "start"), makeNode("cond", "condition", { equals: "hello" }),
        makeNode("upper", "upper"), makeNode("echo", "echo"), makeNode("join", "join"),
        makeNode("answer", "answer"), makeNode("answer2", "answer"),
      ],
      [
        makeEdge("start.message", "cond.text"), makeEdge("cond.yes", "upper.text"), makeEdge("cond.no", "echo.text"),
        makeEdge("cond.no", "answer2.text"), makeEdge("upper.text", "join.a"), makeEdge("echo.text", "join.b"),
        makeEdge("join.text", "answer.text"),
      ],
    );
    // ACT
    const events = await collect(runFlow(flow, runOptions(registry)));
    // ASSERT
    const skipped = ofType(events, "node-skipped").map((e) => [e.nodeId, e.reason]);
    expect(skipped).toEqual(expect.arrayContaining([["echo", "branch-not-taken"], ["answer2", "branch-not-taken"]]));
    expect(skipped).toHaveLength(2);
    expect(ofType(events, "node-started").find((e) => e.nodeId === "join")?.inputs).toEqual({ a: "HELLO" });
    expect(finished(events)).toMatchObject({ status: "succeeded", answer: { text: "HELLO" } });
  });

  it("runs the stored condition fixture down the 'no' branch", async () => {
    // ARRANGE: fixture = start → cond(equals "yes please") → yes: upper → answer ; no: echo → answer-no
    const flow = conditionFixture as FlowDocument;
    // ACT
    const events = await collect(runFlow(flow, runOptions(registry, { input: { message: "no thanks", history: [], variables: {} } })));
    // ASSERT
    expect(ofType(events, "node-skipped").map((e) => e.nodeId).sort()).toEqual(["answer-yes", "upper"]);
    expect(finished(events).answer?.text).toBe("no thanks");
  });

  //   [start] --> [cond: equals "x"] --yes--> [answer]
  it("fails with NO_ANSWER when no branch taken reaches an answer node", async () => {
    // ARRANGE
    const flow = makeFlow(
      [makeNode("start", "start"), makeNode("cond", "condition", { equals: "x" }), makeNode("answer", "answer")],
      [makeEdge("start.message", "cond.text"), makeEdge("cond.yes", "answer.text")],
    );
    // ACT
    const events = await collect(runFlow(flow, runOptions(registry, { locale: "zh" })));
    // ASSERT
    expect(finished(events)).toMatchObject({ status: "failed", error: { code: "NO_ANSWER" } });
    expect(finished(events).error?.message).toMatch(/回答节点/);
  });
});

describe("runFlow: port kind conversion", () => {
  //   [start] --message--> [join.a]
  //                                  [join] --> [answer]
  //   [emit: kind/value] --value--> [join.b]   (join.b is a text input)
  it.each([
    { kind: "number", value: 3, text: "3" },
    { kind: "boolean", value: false, text: "false" },
    { kind: "json", value: { a: 1, zh: "中" }, text: '{"a":1,"zh":"中"}' },
    { kind: "json", value: "already text", text: "already text" },
    { kind: "documents", value: [{ id: "1", text: "北京是首都。" }, { id: "2", text: "Paris." }], text: "[1] 北京是首都。\n\n[2] Paris." },
  ])("renders $kind into a text input as $text", async ({ kind, value, text }) => {
    // ARRANGE
    const flow = makeFlow(
      [makeNode("start", "start"), makeNode("emit", "emit", { kind, value }), makeNode("join", "join"), makeNode("answer", "answer")],
      [makeEdge("start.message", "join.a"), makeEdge("emit.value", "join.b"), makeEdge("join.text", "answer.text")],
    );
    // ACT
    const events = await collect(runFlow(flow, runOptions(registry)));
    // ASSERT
    expect(ofType(events, "node-started").find((e) => e.nodeId === "join")?.inputs.b).toBe(text);
    expect(finished(events).answer?.text).toBe(`hello+${text}`);
  });

  //   [emit: documents] --value--> [answer.citations];  [start] --message--> [answer.text]
  it("passes documents unchanged into a documents input and returns them as citations", async () => {
    // ARRANGE
    const docs = [{ id: "c1", text: "passage", documentName: "手册.pdf" }];
    const flow = makeFlow(
      [makeNode("start", "start"), makeNode("emit", "emit", { kind: "documents", value: docs }), makeNode("answer", "answer")],
      [makeEdge("start.message", "answer.text"), makeEdge("emit.value", "answer.citations")],
    );
    // ACT
    const events = await collect(runFlow(flow, runOptions(registry)));
    // ASSERT
    expect(finished(events).answer).toEqual({ text: "hello", citations: docs });
  });
});

describe("runFlow: invalid flows", () => {
  //   [start]   (no answer node)
  it("finishes failed with INVALID_FLOW and the problems, without running a node", async () => {
    // ARRANGE
    const flow = makeFlow([makeNode("start", "start")], []);
    // ACT
    const events = await collect(runFlow(flow, runOptions(registry, { locale: "zh" })));
    // ASSERT
    expect(trace(events)).toEqual(["run-started", "run-finished:failed"]);
    const error = finished(events).error;
    expect(error?.code).toBe("INVALID_FLOW");
    expect(error?.problems?.map((p) => p.code)).toEqual(["no-answer"]);
    expect(error?.message).toMatch(/回答节点/);
  });

  it("accepts garbage input without throwing", async () => {
    // ACT
    const events = await collect(runFlow({ nodes: "nope" } as unknown as FlowDocument, runOptions(registry)));
    // ASSERT
    expect(events[0]).toMatchObject({ type: "run-started", nodeCount: 0 });
    expect(finished(events).error?.code).toBe("INVALID_FLOW");
  });
});
