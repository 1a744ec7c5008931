import { describe, expect, it } from "vitest";
import { z } from "zod";
import { runFlow } from "@/lib/engine/run-flow";
import { runSingleNode } from "@/lib/engine/run-node";
import { defaultLimits } from "@/lib/engine/types";
import { type NodeRegistry, defineNode } from "@/nodes/define";
import { port } from "@/nodes/ports";
import { collect, finished, makeEdge, makeFlow, makeNode, ofType, runOptions } from "./factories";
import { testRegistry } from "./test-registry";

const KB = 1024;
const label = { label: { en: "Grow", zh: "增长" }, description: { en: "Grow", zh: "增长" }, category: "logic" as const, icon: "box" };

/** Test registry plus `grow`: appends `add` copies of `unit` to its input (a variable that grows per step). */
function registry(): NodeRegistry {
  const grow = defineNode({
    type: "grow", version: 1, ui: label,
    config: z.object({ add: z.number().int().default(300 * KB), unit: z.string().default("x") }),
    inputs: { text: port.text({ required: true }) }, outputs: { text: port.text() },
    async run({ config, inputs }) {
      return { text: (inputs.text ?? "") + config.unit.repeat(config.add) };
    },
  });
  const table = defineNode({
    type: "table", version: 1, ui: label,
    config: z.object({ rows: z.number().int() }),
    inputs: { text: port.text({ required: true }) }, outputs: { rows: port.json(), text: port.text() },
    async run({ config }) {
      return { rows: Array.from({ length: config.rows }, (_, i) => ({ id: i, name: `row ${i}` })), text: "ok" };
    },
  });
  return { ...testRegistry(), grow, table };
}

/** [start] --> [g1] --> [g2] --> … --> [gN] --> [answer], each g adding `add` × `unit`. */
function growFlow(count: number, data: Record<string, unknown> = {}) {
  const ids = Array.from({ length: count }, (_, i) => `g${i + 1}`);
  const nodes = [makeNode("start", "start"), ...ids.map((id) => makeNode(id, "grow", data, { label: `增长 ${id}` })), makeNode("answer", "answer")];
  const chain = ["start.message", ...ids.map((id) => `${id}.text`)];
  const edges = chain.map((from, i) => makeEdge(from, i < ids.length ? `${ids[i]}.text` : "answer.text"));
  return makeFlow(nodes, edges);
}

describe("C14 run limits: variable size (maxOutputBytes)", () => {
  it("defaults to 1 MiB per node output", () => {
    expect(defaultLimits.maxOutputBytes).toBe(1024 * 1024);
  });

  it("C14 ends with LIMIT_EXCEEDED when a variable grows by 300 KB per step past 1 MiB, before any later node runs", async () => {
    // ARRANGE: g1..g3 hold 0.3/0.6/0.9 MB, g4 would hold 1.2 MB
    const flow = growFlow(6);
    // ACT
    const events = await collect(runFlow(flow, runOptions(registry())));
    // ASSERT
    expect(ofType(events, "node-finished").map((e) => e.nodeId)).toEqual(["start", "g1", "g2", "g3"]);
    expect(ofType(events, "node-started").map((e) => e.nodeId)).not.toContain("g5");
    expect(ofType(events, "node-failed")).toMatchObject([{ nodeId: "g4", error: { code: "LIMIT_EXCEEDED" } }]);
    const end = finished(events);
    expect(end.status).toBe("failed");
    expect(end.error?.code).toBe("LIMIT_EXCEEDED");
    expect(end.error?.message).toContain("maxOutputBytes");
    expect(end.error?.message).toContain(String(4 * 300 * KB + "hello".length));
    expect(end.error?.message).toContain('"text"');
  });

  it("C14 explains the variable-size limit in Chinese", async () => {
    const events = await collect(runFlow(growFlow(4), runOptions(registry(), { locale: "zh" })));
    expect(finished(events).error?.message).toMatch(/增长 g4.*超过单个变量的上限（1048576 字节，限制：maxOutputBytes）/);
  });

  it("C14 counts UTF-8 bytes, so Chinese text reaches the cap at a third of the characters", async () => {
    // ARRANGE: 200 K Chinese characters = 600 KB per step: g2 holds 1.2 MB in only 400 K characters
    const flow = growFlow(3, { add: 200 * KB, unit: "中" });
    // ACT
    const events = await collect(runFlow(flow, runOptions(registry())));
    // ASSERT
    expect(ofType(events, "node-failed").map((e) => e.nodeId)).toEqual(["g2"]);
    expect(finished(events).error?.code).toBe("LIMIT_EXCEEDED");
  });

  it("C14 measures structured outputs by their JSON size, and the cap is configurable per run", async () => {
    // ARRANGE: [start] --> [table] --text--> [answer]; 100 rows are ~3 KB of JSON
    const flow = makeFlow(
      [makeNode("start", "start"), makeNode("table", "table", { rows: 100 }), makeNode("answer", "answer")],
      [makeEdge("start.message", "table.text"), makeEdge("table.text", "answer.text")],
    );
    // ACT
    const small = await collect(runFlow(flow, runOptions(registry(), { limits: { maxOutputBytes: 2 * KB } })));
    const roomy = await collect(runFlow(flow, runOptions(registry(), { limits: { maxOutputBytes: 8 * KB } })));
    // ASSERT
    expect(finished(small).error).toMatchObject({ code: "LIMIT_EXCEEDED" });
    expect(finished(small).error?.message).toContain('"rows"');
    expect(finished(roomy).status).toBe("succeeded");
  });

  it("C14 lets a run whose outputs stay under the cap finish normally", async () => {
    const events = await collect(runFlow(growFlow(3), runOptions(registry())));
    expect(finished(events).status).toBe("succeeded");
    expect(finished(events).answer?.text.length).toBe(900 * KB + "hello".length);
  });
});

describe("C14 run limits: steps and wall time", () => {
  it("C14 stops a 600-node chain at 500 steps (the default maxSteps) with LIMIT_EXCEEDED", async () => {
    const flow = growFlow(600, { add: 1 });
    const events = await collect(runFlow(flow, runOptions(registry())));
    expect(ofType(events, "node-started")).toHaveLength(defaultLimits.maxSteps);
    expect(finished(events).error).toMatchObject({ code: "LIMIT_EXCEEDED" });
    expect(finished(events).error?.message).toContain("maxSteps");
  });

  it("C14 stops a run at its wall-clock cap (maxRunMs) with LIMIT_EXCEEDED", async () => {
    // ARRANGE: [start] --> [slow: delay 5 s] --> [answer], capped at 60 ms
    const flow = makeFlow(
      [makeNode("start", "start"), makeNode("slow", "delay", { ms: 5_000 }), makeNode("answer", "answer")],
      [makeEdge("start.message", "slow.text"), makeEdge("slow.text", "answer.text")],
    );
    const started = Date.now();
    // ACT
    const events = await collect(runFlow(flow, runOptions(registry(), { limits: { maxRunMs: 60 } })));
    // ASSERT
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(finished(events).error).toMatchObject({ code: "LIMIT_EXCEEDED" });
    expect(finished(events).error?.message).toContain("maxRunMs");
  });
});

describe("C14 run limits: a node run alone meets the limits it meets in a flow", () => {
  // [start] --> [node under test] --> [answer]: the flow run's verdict on the node, beside runSingleNode's.
  async function inFlowAndAlone(node: ReturnType<typeof makeNode>, limits: { nodeTimeoutMs?: number; maxOutputBytes?: number }) {
    const flow = makeFlow([makeNode("start", "start"), node, makeNode("answer", "answer")], [makeEdge("start.message", `${node.id}.text`), makeEdge(`${node.id}.text`, "answer.text")]);
    const events = await collect(runFlow(flow, runOptions(registry(), { locale: "zh", limits })));
    const alone = await runSingleNode(node, { text: "hello" }, { ...runOptions(registry(), { locale: "zh" }), timeoutMs: limits.nodeTimeoutMs, maxOutputBytes: limits.maxOutputBytes });
    if (!("error" in alone)) throw new Error(`the node run alone succeeded: ${JSON.stringify(alone.outputs).slice(0, 80)}`);
    return { flow: finished(events).error, alone: alone.error };
  }

  it("stops a node whose output is over maxOutputBytes, with the same code and message", async () => {
    const { flow, alone } = await inFlowAndAlone(makeNode("g", "grow", { add: 3 * KB }, { label: "增长" }), { maxOutputBytes: 2 * KB });
    expect(alone.code).toBe("LIMIT_EXCEEDED");
    expect(alone.message).toMatch(/增长.*超过单个变量的上限（2048 字节，限制：maxOutputBytes）/);
    expect(flow?.code).toBe(alone.code);
    expect(flow?.message).toBe(alone.message);
  });

  it("stops a node that runs past the node timeout, with the same code and message", async () => {
    const { flow, alone } = await inFlowAndAlone(makeNode("slow", "delay", { ms: 5_000 }, { label: "慢节点" }), { nodeTimeoutMs: 40 });
    expect(alone.code).toBe("NODE_TIMEOUT");
    expect(alone.message).toContain("慢节点");
    expect(flow?.code).toBe(alone.code);
    expect(flow?.message).toBe(alone.message);
  });
});
