import { describe, expect, it } from "vitest";
import { runFlow } from "@/lib/engine/run-flow";
import { collect, finished, makeEdge, makeFlow, makeNode, ofType, runOptions, trace } from "./factories";
import { testRegistry } from "./test-registry";

const registry = testRegistry();
const words = ["你好", "，", "世界"];

describe("runFlow: streamed tokens", () => {
  //   [start] --> [llm] --text--> [answer.text]
  it("marks an LLM's tokens as the answer when its text goes straight to the answer node", async () => {
    // ARRANGE
    const flow = makeFlow(
      [makeNode("start", "start"), makeNode("llm", "llm", { words }), makeNode("answer", "answer")],
      [makeEdge("start.message", "llm.prompt"), makeEdge("llm.text", "answer.text")],
    );
    // ACT
    const events = await collect(runFlow(flow, runOptions(registry)));
    // ASSERT
    expect(ofType(events, "token")).toEqual(words.map((text) => ({ type: "token", nodeId: "llm", text, answer: true })));
    const t = trace(events);
    expect(t.indexOf("token:llm")).toBeGreaterThan(t.indexOf("node-started:llm"));
    expect(t.lastIndexOf("token:llm")).toBeLessThan(t.indexOf("node-finished:llm"));
    expect(finished(events).answer?.text).toBe("你好，世界");
  });

  //   [start] --> [llm] --> [echo (passthrough)] --> [echo2 (passthrough)] --> [answer.text]
  it("still marks tokens as the answer through nodes that only pass the text on", async () => {
    // ARRANGE
    const flow = makeFlow(
      [makeNode("start", "start"), makeNode("llm", "llm", { words }), makeNode("echo", "echo"), makeNode("echo2", "echo"), makeNode("answer", "answer")],
      [makeEdge("start.message", "llm.prompt"), makeEdge("llm.text", "echo.text"), makeEdge("echo.text", "echo2.text"), makeEdge("echo2.text", "answer.text")],
    );
    // ACT
    const events = await collect(runFlow(flow, runOptions(registry)));
    // ASSERT
    expect(ofType(events, "token").every((e) => e.answer)).toBe(true);
    expect(ofType(events, "token")).toHaveLength(3);
  });

  //   [start] --> [llm] --> [upper (transforms)] --> [answer.text]
  it("does not mark tokens as the answer when a transforming node sits in between", async () => {
    // ARRANGE
    const flow = makeFlow(
      [makeNode("start", "start"), makeNode("llm", "llm", { words: ["abc", "def"] }), makeNode("upper", "upper"), makeNode("answer", "answer")],
      [makeEdge("start.message", "llm.prompt"), makeEdge("llm.text", "upper.text"), makeEdge("upper.text", "answer.text")],
    );
    // ACT
    const events = await collect(runFlow(flow, runOptions(registry)));
    // ASSERT
    expect(ofType(events, "token").map((e) => [e.text, e.answer])).toEqual([["abc", false], ["def", false]]);
    expect(finished(events).answer?.text).toBe("ABCDEF");
  });

  //   [start] --> [llm] --text--> [join.a] --> [join] --> [answer.text]
  it("does not mark tokens as the answer when they only feed part of another node's input", async () => {
    // ARRANGE
    const flow = makeFlow(
      [makeNode("start", "start"), makeNode("llm", "llm", { words }), makeNode("join", "join"), makeNode("answer", "answer")],
      [makeEdge("start.message", "llm.prompt"), makeEdge("llm.text", "join.a"), makeEdge("start.message", "join.b"), makeEdge("join.text", "answer.text")],
    );
    // ACT
    const events = await collect(runFlow(flow, runOptions(registry)));
    // ASSERT
    expect(ofType(events, "token").some((e) => e.answer)).toBe(false);
  });
});
