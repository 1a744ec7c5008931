import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { drizzle } from "drizzle-orm/node-postgres";
import { emptyFlow } from "@/lib/flow/schema";
import type { Db } from "@/lib/db/client";
import { createFlow, deleteFlowById } from "@/lib/db/queries/flows";
import {
  createRun,
  createRuns,
  finishRun,
  finishRuns,
  getRunById,
  listRunsByFlowId,
  markRunningRunsInterrupted,
  saveRunSteps,
  saveStepsOfRuns,
  upsertStepsQuery,
  type RunStepInput,
} from "@/lib/db/queries/runs";
import { LOCAL_WORKSPACE_ID } from "@/lib/db/schema";
import * as schema from "@/lib/db/schema";
import { forEachDatabase } from "../support/db";

const ws = LOCAL_WORKSPACE_ID;
const input = { message: "退货政策是什么？", history: [], variables: { lang: "zh" } };

function step(seq: number, nodeId: string, overrides: Partial<RunStepInput> = {}): RunStepInput {
  return { seq, nodeId, nodeType: "llm", status: "running", inputs: { prompt: `p${seq}` }, startedAt: 1_700_000_000_000 + seq, ...overrides };
}

forEachDatabase("runs", (t) => {
  let flowId: string;
  beforeAll(async () => {
    flowId = (await createFlow(t.db, ws, { name: "run me", graph: emptyFlow() })).id;
  });

  it("records a run from start to finish with its answer", async () => {
    const runId = await createRun(t.db, { workspaceId: ws, flowId, flowRevision: 3, input });
    await finishRun(t.db, runId, { status: "succeeded", answer: { text: "七天无理由退货。", citations: [] }, durationMs: 812.6 });

    const run = await getRunById(t.db, ws, runId);
    expect(run).toMatchObject({ id: runId, flowId, flowRevision: 3, status: "succeeded", input, error: null, durationMs: 813, steps: [] });
    expect(run?.answer).toEqual({ text: "七天无理由退货。", citations: [] });
    expect(run?.finishedAt).toBeInstanceOf(Date);
    expect(await getRunById(t.db, "other-workspace", runId)).toBeNull();
  });

  it("accepts a run id chosen by the caller", async () => {
    const id = "5b0c1a57-9a43-4f0e-8c43-3d2f1d6c0a11";
    expect(await createRun(t.db, { id, workspaceId: ws, flowId, flowRevision: 1, input })).toBe(id);
  });

  it("upserts a batch of steps: re-sending updates rows instead of duplicating them", async () => {
    const runId = await createRun(t.db, { workspaceId: ws, flowId, flowRevision: 1, input });
    await saveRunSteps(t.db, runId, [step(0, "input"), step(1, "llm")]);
    await saveRunSteps(t.db, runId, [
      step(0, "input", { status: "succeeded", inputs: null, outputs: { text: "hi" }, durationMs: 4 }),
      step(1, "llm", { status: "failed", error: { code: "NODE_FAILED", message: "模型不可用" }, durationMs: 20 }),
      step(2, "answer", { status: "skipped", nodeType: "answer" }),
    ]);
    // The same batch again (a retry) changes nothing.
    await saveRunSteps(t.db, runId, [step(2, "answer", { status: "skipped", nodeType: "answer" })]);

    const run = await getRunById(t.db, ws, runId);
    expect(run?.steps.map((s) => [s.seq, s.nodeId, s.status])).toEqual([
      [0, "input", "succeeded"],
      [1, "llm", "failed"],
      [2, "answer", "skipped"],
    ]);
    // Inputs sent with "running" survive a later update that does not repeat them.
    expect(run?.steps[0]).toMatchObject({ inputs: { prompt: "p0" }, outputs: { text: "hi" }, durationMs: 4 });
    expect(run?.steps[1].error).toEqual({ code: "NODE_FAILED", message: "模型不可用" });
    expect(run?.steps[0].startedAt.getTime()).toBe(1_700_000_000_000);
    const [{ count }] = await t.query<{ count: number }>("select count(*)::int as count from run_steps where run_id = $1", [runId]);
    expect(count).toBe(3);
  });

  it("keeps the last of two updates of one node within the same batch", async () => {
    const runId = await createRun(t.db, { workspaceId: ws, flowId, flowRevision: 1, input });
    await saveRunSteps(t.db, runId, [step(0, "n"), step(0, "n", { status: "succeeded", durationMs: 9 })]);
    expect((await getRunById(t.db, ws, runId))?.steps.map((s) => s.status)).toEqual(["succeeded"]);
  });

  it("stores a large trace in one call", async () => {
    const runId = await createRun(t.db, { workspaceId: ws, flowId, flowRevision: 1, input });
    const many = Array.from({ length: 2_500 }, (_, i) => step(i, `node-${i}`, { status: "succeeded", outputs: { text: "文".repeat(50) } }));
    await saveRunSteps(t.db, runId, many);
    const run = await getRunById(t.db, ws, runId);
    expect(run?.steps).toHaveLength(2_500);
    expect(run?.steps.at(-1)?.nodeId).toBe("node-2499");
  });

  it("lists a flow's runs newest first, capped by the limit", async () => {
    const other = await createFlow(t.db, ws, { name: "listed", graph: emptyFlow() });
    const ids: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      ids.push(await createRun(t.db, { workspaceId: ws, flowId: other.id, flowRevision: i, input }));
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect((await listRunsByFlowId(t.db, ws, other.id, 2)).map((r) => r.id)).toEqual([ids[2], ids[1]]);
    expect(await listRunsByFlowId(t.db, "other-workspace", other.id, 10)).toEqual([]);
  });

  it("marks runs left running by a dead process as interrupted, with their running steps failed", async () => {
    const deadRun = await createRun(t.db, { workspaceId: ws, flowId, flowRevision: 1, input });
    await saveRunSteps(t.db, deadRun, [step(0, "a", { status: "succeeded" }), step(1, "b")]);
    const finished = await createRun(t.db, { workspaceId: ws, flowId, flowRevision: 1, input });
    await finishRun(t.db, finished, { status: "succeeded", durationMs: 1 });

    expect(await markRunningRunsInterrupted(t.db)).toBeGreaterThanOrEqual(1);

    const dead = await getRunById(t.db, ws, deadRun);
    expect(dead).toMatchObject({ status: "interrupted", error: { code: "INTERRUPTED" } });
    expect(dead?.finishedAt).toBeInstanceOf(Date);
    expect(dead?.durationMs).toBeGreaterThanOrEqual(0);
    expect(dead?.steps.map((s) => s.status)).toEqual(["succeeded", "failed"]);
    expect((await getRunById(t.db, ws, finished))?.status).toBe("succeeded");
    expect(await markRunningRunsInterrupted(t.db)).toBe(0);
  });

  it("leaves runs started after the cut-off alone", async () => {
    const cutOff = new Date(Date.now() - 60_000);
    const live = await createRun(t.db, { workspaceId: ws, flowId, flowRevision: 1, input });
    expect(await markRunningRunsInterrupted(t.db, cutOff)).toBe(0);
    expect((await getRunById(t.db, ws, live))?.status).toBe("running");
  });

  it("deletes runs and steps with their flow", async () => {
    const doomed = await createFlow(t.db, ws, { name: "doomed", graph: emptyFlow() });
    const runId = await createRun(t.db, { workspaceId: ws, flowId: doomed.id, flowRevision: 1, input });
    await saveRunSteps(t.db, runId, [step(0, "a")]);
    await deleteFlowById(t.db, ws, doomed.id);
    expect(await getRunById(t.db, ws, runId)).toBeNull();
    expect(await t.query("select 1 from run_steps where run_id = $1", [runId])).toEqual([]);
  });
});

describe("saveRunSteps SQL", () => {
  it("is one INSERT … ON CONFLICT (run_id, node_id) DO UPDATE for the whole batch", () => {
    // drizzle's mock driver renders the app's query without a connection.
    const db = drizzle.mock({ schema }) as unknown as Db;
    const row = (nodeId: string) => ({ runId: "r", seq: 0, nodeId, nodeType: "llm", status: "running" as const, startedAt: new Date(0) });
    const { sql, params } = upsertStepsQuery(db, [row("a"), row("b")]).toSQL();
    expect(sql.match(/insert into "run_steps"/g)).toHaveLength(1);
    expect(sql).toContain('on conflict ("run_id","node_id") do update set');
    expect(sql).toContain('"inputs" = coalesce(excluded."inputs", "run_steps"."inputs")');
    expect(sql).toContain('"status" = excluded."status"');
    expect(params).toContain("a");
    expect(params).toContain("b");
  });
});

forEachDatabase("runs written together", (t) => {
  let flowId: string;
  beforeAll(async () => {
    flowId = (await createFlow(t.db, ws, { name: "many runs", graph: emptyFlow() })).id;
  });

  it("records several runs, their steps and their ends with one statement each, every run as if alone", async () => {
    // ARRANGE: three runs starting together, one with a NUL in its message (stored without it)
    const ids = [randomUUID(), randomUUID(), randomUUID()];
    await createRuns(t.db, ids.map((id, i) => ({ id, workspaceId: ws, flowId, flowRevision: i + 1, input: { ...input, message: i === 2 ? "a\u0000b" : `q${i}` } })));
    // ACT: steps of two runs in one batch (a node sent twice keeps its last state), ends of all three
    await saveStepsOfRuns(t.db, [
      { runId: ids[0], steps: [step(0, "start", { status: "succeeded", durationMs: 1 }), step(1, "llm"), step(1, "llm", { status: "succeeded", outputs: { text: "一" }, durationMs: 20.4 })] },
      { runId: ids[1], steps: [step(0, "start", { status: "succeeded", durationMs: 2 })] },
    ]);
    await finishRuns(t.db, [
      { runId: ids[0], end: { status: "succeeded", answer: { text: "一", citations: [] }, durationMs: 30.2 } },
      { runId: ids[1], end: { status: "failed", error: { code: "NODE_FAILED", message: "boom" }, durationMs: 5 } },
      { runId: ids[2], end: { status: "cancelled", error: { code: "CANCELLED", message: "The client disconnected." }, durationMs: 7 } },
    ]);
    // ASSERT
    const [first, second, third] = await Promise.all(ids.map((id) => getRunById(t.db, ws, id)));
    expect(first).toMatchObject({ status: "succeeded", flowRevision: 1, answer: { text: "一", citations: [] }, error: null, durationMs: 30 });
    expect(first?.finishedAt).toBeInstanceOf(Date);
    expect(first?.steps.map((s) => [s.nodeId, s.status, s.outputs])).toEqual([["start", "succeeded", null], ["llm", "succeeded", { text: "一" }]]);
    expect(second).toMatchObject({ status: "failed", answer: null, error: { code: "NODE_FAILED", message: "boom" }, durationMs: 5 });
    expect(second?.steps.map((s) => s.nodeId)).toEqual(["start"]);
    expect(third).toMatchObject({ status: "cancelled", input: { message: "ab" }, steps: [] });
  });
});
