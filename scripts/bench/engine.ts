import { z } from "zod";
import { runFlow } from "@/lib/engine/run-flow";
import { type NodeRegistry, defineNode } from "@/nodes/define";
import type { RunOptions } from "@/lib/engine/types";
import type { FlowDocument } from "@/lib/flow/schema";
import { port } from "@/nodes/ports";
import type { BenchArgs } from "../bench";

/**
 * Engine overhead: linear flows of N nodes that do no work, so every millisecond measured is
 * the engine's (validation, planning, scheduling, events). Target: ≤ 0.2 ms per node (median)
 * on the 50-node flow — small next to a model call, and small enough for flows of hundreds.
 */
const ui = (name: string) => ({ label: { en: name, zh: name }, description: { en: name, zh: name }, category: "logic" as const, icon: "box" });
const noSettings = z.object({});

const registry: NodeRegistry = {
  start: defineNode({
    type: "start", version: 1, ui: ui("Start"), entry: true, config: noSettings, inputs: {}, outputs: { text: port.text() },
    async run({ ctx }) {
      return { text: ctx.run.message };
    },
  }),
  pass: defineNode({
    type: "pass", version: 1, ui: ui("Pass"), config: noSettings, inputs: { text: port.text({ required: true }) }, outputs: { text: port.text() },
    passthrough: () => ({ text: "text" }),
    async run({ inputs }) {
      return { text: inputs.text };
    },
  }),
  answer: defineNode({
    type: "answer", version: 1, ui: ui("Answer"), terminal: true, config: noSettings, inputs: { text: port.text({ required: true }) }, outputs: { text: port.text() },
    async run({ inputs }) {
      return { text: inputs.text };
    },
  }),
  // A one-node flow still needs a start and an answer: this node is both.
  solo: defineNode({
    type: "solo", version: 1, ui: ui("Solo"), entry: true, terminal: true, config: noSettings, inputs: {}, outputs: { text: port.text() },
    async run({ ctx }) {
      return { text: ctx.run.message };
    },
  }),
};

function linearFlow(size: number): FlowDocument {
  if (size === 1) return { schemaVersion: 1, nodes: [{ id: "n0", type: "solo", position: { x: 0, y: 0 }, data: {} }], edges: [] };
  const nodes = Array.from({ length: size }, (_, i) => ({
    id: `n${i}`,
    type: i === 0 ? "start" : i === size - 1 ? "answer" : "pass",
    position: { x: i * 200, y: 0 },
    data: {},
  }));
  const edges = nodes.slice(1).map((node, i) => ({ id: `e${i}`, source: nodes[i].id, sourceHandle: "text", target: node.id, targetHandle: "text" }));
  return { schemaVersion: 1, nodes, edges };
}

const options: RunOptions = {
  registry,
  services: {
    chat: async () => {
      throw new Error("no model in the engine benchmark");
    },
    fetch: async () => {
      throw new Error("no network in the engine benchmark");
    },
  },
  input: { message: "你好，benchmark", history: [], variables: {} },
  locale: "zh",
};

async function runOnce(flow: FlowDocument): Promise<number> {
  const started = performance.now();
  let status = "";
  for await (const event of runFlow(flow, options)) if (event.type === "run-finished") status = event.status;
  const elapsed = performance.now() - started;
  if (status !== "succeeded") throw new Error(`benchmark flow did not succeed (${status})`);
  return elapsed;
}

function quantile(sorted: number[], q: number): number {
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[index];
}

export interface SizeResult {
  nodes: number;
  runs: number;
  per_node_ms_median: number;
  per_node_ms_p95: number;
  run_ms_median: number;
}

async function measure(size: number): Promise<SizeResult> {
  const flow = linearFlow(size);
  const runs = Math.max(300, Math.round(30_000 / size));
  for (let i = 0; i < Math.max(100, runs / 5); i++) await runOnce(flow);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(await runOnce(flow));
  times.sort((a, b) => a - b);
  const round = (n: number) => Number(n.toFixed(5));
  return {
    nodes: size,
    runs,
    per_node_ms_median: round(quantile(times, 0.5) / size),
    per_node_ms_p95: round(quantile(times, 0.95) / size),
    run_ms_median: round(quantile(times, 0.5)),
  };
}

export async function run(args: BenchArgs): Promise<void> {
  const results: SizeResult[] = [];
  for (const size of [1, 10, 50]) results.push(await measure(size));
  const fifty = results[results.length - 1];
  if (args.json) {
    const sizes = Object.fromEntries(results.map((r) => [String(r.nodes), r]));
    console.log(JSON.stringify({ suite: "engine", per_node_ms_median: fifty.per_node_ms_median, per_node_ms_p95: fifty.per_node_ms_p95, target_per_node_ms: 0.2, sizes }));
    return;
  }
  console.log("Engine overhead per node — linear flows of no-work nodes (validation + scheduling + events)\n");
  console.log(["nodes", "runs", "median ms/node", "p95 ms/node", "median ms/run"].map((h) => h.padStart(15)).join(""));
  for (const r of results) {
    console.log([r.nodes, r.runs, r.per_node_ms_median.toFixed(4), r.per_node_ms_p95.toFixed(4), r.run_ms_median.toFixed(3)].map((v) => String(v).padStart(15)).join(""));
  }
  const ok = fifty.per_node_ms_median <= 0.2;
  console.log(`\n50-node median ${fifty.per_node_ms_median.toFixed(4)} ms/node — target ≤ 0.2 ms: ${ok ? "met" : "NOT met"}`);
}
