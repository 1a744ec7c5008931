import "server-only";
import { and, asc, desc, eq, lt, sql } from "drizzle-orm";
import type { Answer, RunError } from "@/lib/flow/run-record";
import type { RunInput } from "@/nodes/context";
import type { Db } from "../client";
import { dbCall } from "../errors";
import { jsonSafe } from "../json";
import { runs, runSteps, type Run, type RunStatus, type RunStep, type StepStatus } from "../schema";

/**
 * Run traces: one row per run, one row per node that ran (or was skipped) in it. Steps are
 * written in batches so the first token of an answer never waits for trace writes.
 */

export interface RunStepInput {
  /** Order in which the node started, for display. */
  seq: number;
  nodeId: string;
  nodeType: string;
  status: StepStatus;
  inputs?: Record<string, unknown> | null;
  outputs?: Record<string, unknown> | null;
  error?: RunError | null;
  /** Epoch ms (as in RunEvent.at) or a Date. */
  startedAt: number | Date;
  durationMs?: number | null;
}

export type RunWithSteps = Run & { steps: RunStep[] };

/** Most steps written by one INSERT: 11 parameters each stays far below PostgreSQL's 65,535. */
const STEPS_PER_STATEMENT = 2_000;

/**
 * Records that a run started and returns its id. Pass `id` (a UUID) to know the id before the
 * insert completes, so the run can start without waiting for this write.
 * @example const runId = await createRun(db, { workspaceId: "local", flowId, flowRevision: flow.revision, input });
 */
export async function createRun(
  db: Db,
  input: { id?: string; workspaceId: string; flowId: string; flowRevision: number; input: RunInput },
): Promise<string> {
  const rows = await dbCall("createRun", () =>
    db
      .insert(runs)
      .values({
        ...(input.id !== undefined && { id: input.id }),
        workspaceId: input.workspaceId,
        flowId: input.flowId,
        flowRevision: input.flowRevision,
        input: jsonSafe(input.input),
      })
      .returning({ id: runs.id }),
  );
  return rows[0].id;
}

/**
 * Writes many steps of a run in one statement. A step already stored for the same node is
 * updated (upsert on runId + nodeId), so sending "running" and later "succeeded" for a node, or
 * re-sending a batch after a retry, never duplicates rows.
 * @example await saveRunSteps(db, runId, [{ seq: 0, nodeId: "n1", nodeType: "llm", status: "succeeded", startedAt: Date.now(), durationMs: 12 }]);
 */
export async function saveRunSteps(db: Db, runId: string, steps: RunStepInput[]): Promise<void> {
  if (steps.length === 0) return;
  // Within one statement PostgreSQL refuses to update the same row twice: keep each node's last step.
  const lastByNode = new Map(steps.map((step) => [step.nodeId, step]));
  const rows = [...lastByNode.values()].map((step) => stepRow(runId, step));
  await dbCall("saveRunSteps", async () => {
    for (let i = 0; i < rows.length; i += STEPS_PER_STATEMENT) {
      await upsertStepsQuery(db, rows.slice(i, i + STEPS_PER_STATEMENT));
    }
  });
}

/** The upsert behind saveRunSteps, exposed so its SQL can be asserted with `.toSQL()`. */
export function upsertStepsQuery(db: Db, rows: (typeof runSteps.$inferInsert)[]) {
  const excluded = (column: string) => sql.raw(`excluded."${column}"`);
  return db
    .insert(runSteps)
    .values(rows)
    .onConflictDoUpdate({
      target: [runSteps.runId, runSteps.nodeId],
      set: {
        seq: excluded("seq"),
        nodeType: excluded("node_type"),
        status: excluded("status"),
        inputs: sql`coalesce(${excluded("inputs")}, ${runSteps.inputs})`,
        outputs: excluded("outputs"),
        error: excluded("error"),
        startedAt: excluded("started_at"),
        durationMs: excluded("duration_ms"),
      },
    });
}

/**
 * Records how a run ended.
 * @example await finishRun(db, runId, { status: "succeeded", answer, durationMs: 812 });
 */
export async function finishRun(
  db: Db,
  runId: string,
  result: { status: Exclude<RunStatus, "running">; answer?: Answer | null; error?: RunError | null; durationMs: number },
): Promise<void> {
  await dbCall("finishRun", () =>
    db
      .update(runs)
      .set({
        status: result.status,
        answer: result.answer == null ? null : jsonSafe(result.answer),
        error: result.error == null ? null : jsonSafe(result.error),
        durationMs: Math.round(result.durationMs),
        finishedAt: sql`now()`,
      })
      .where(eq(runs.id, runId)),
  );
}

/**
 * One run of the workspace with its steps in the order they started, or null.
 * @example const run = await getRunById(db, "local", runId);
 */
export async function getRunById(db: Db, workspaceId: string, id: string): Promise<RunWithSteps | null> {
  return dbCall("getRunById", async () => {
    const found = await db.select().from(runs).where(and(eq(runs.workspaceId, workspaceId), eq(runs.id, id))).limit(1);
    if (!found[0]) return null;
    const steps = await db.select().from(runSteps).where(eq(runSteps.runId, id)).orderBy(asc(runSteps.seq), asc(runSteps.startedAt));
    return { ...found[0], steps };
  });
}

/**
 * A flow's latest runs, newest first (without steps), at most `limit` (1–200).
 * @example const recent = await listRunsByFlowId(db, "local", flowId, 20);
 */
export function listRunsByFlowId(db: Db, workspaceId: string, flowId: string, limit = 50): Promise<Run[]> {
  const capped = Math.min(Math.max(Math.trunc(limit) || 1, 1), 200);
  return dbCall("listRunsByFlowId", () =>
    db
      .select()
      .from(runs)
      .where(and(eq(runs.workspaceId, workspaceId), eq(runs.flowId, flowId)))
      .orderBy(desc(runs.startedAt), desc(runs.id))
      .limit(capped),
  );
}

/** The error an interrupted run and its unfinished steps carry. */
export const interruptedError: RunError = {
  code: "INTERRUPTED",
  message: "The server stopped while this run was in progress.",
};

/**
 * Called at start: runs a killed process left "running" become "interrupted", and their steps
 * still "running" become "failed", so the trace says what happened instead of spinning forever.
 * Only runs started before `startedBefore` (default: now) are touched. Returns how many runs.
 * With several app processes on one PostgreSQL server this would also catch the others' live
 * runs — Trellis runs as one process per database.
 * @example await markRunningRunsInterrupted(db);
 */
export async function markRunningRunsInterrupted(db: Db, startedBefore: Date = new Date()): Promise<number> {
  return dbCall("markRunningRunsInterrupted", () =>
    db.transaction(async (tx) => {
      const marked = await tx
        .update(runs)
        .set({
          status: "interrupted",
          error: interruptedError,
          finishedAt: sql`now()`,
          durationMs: sql`greatest(0, (extract(epoch from now() - ${runs.startedAt}) * 1000))::int`,
        })
        .where(and(eq(runs.status, "running"), lt(runs.startedAt, startedBefore)))
        .returning({ id: runs.id });
      if (marked.length === 0) return 0;
      await tx
        .update(runSteps)
        .set({ status: "failed", error: interruptedError })
        .where(
          and(
            eq(runSteps.status, "running"),
            sql`${runSteps.runId} in (select ${runs.id} from ${runs} where ${runs.status} <> 'running')`,
          ),
        );
      return marked.length;
    }),
  );
}

/**
 * Records that several runs started, in one statement (the run path coalesces the runs that
 * start together: one INSERT of many rows costs about what one row does on PGlite).
 * @example await createRuns(db, [{ id, workspaceId: "local", flowId, flowRevision: 3, input }]);
 */
export async function createRuns(db: Db, inputs: { id: string; workspaceId: string; flowId: string; flowRevision: number; input: RunInput }[]): Promise<void> {
  if (inputs.length === 0) return;
  await dbCall("createRuns", () =>
    db.insert(runs).values(inputs.map((run) => ({ id: run.id, workspaceId: run.workspaceId, flowId: run.flowId, flowRevision: run.flowRevision, input: jsonSafe(run.input) }))),
  );
}

/**
 * saveRunSteps for several runs in one statement (each run's steps as saveRunSteps keeps them).
 * @example await saveStepsOfRuns(db, [{ runId, steps }]);
 */
export async function saveStepsOfRuns(db: Db, batches: { runId: string; steps: RunStepInput[] }[]): Promise<void> {
  // One row per (run, node), the last one given: PostgreSQL refuses to update a row twice in one statement.
  const last = new Map<string, typeof runSteps.$inferInsert>();
  for (const { runId, steps } of batches) for (const step of steps) last.set(`${runId}\u0000${step.nodeId}`, stepRow(runId, step));
  const rows = [...last.values()];
  if (rows.length === 0) return;
  await dbCall("saveStepsOfRuns", async () => {
    for (let i = 0; i < rows.length; i += STEPS_PER_STATEMENT) await upsertStepsQuery(db, rows.slice(i, i + STEPS_PER_STATEMENT));
  });
}

function stepRow(runId: string, step: RunStepInput): typeof runSteps.$inferInsert {
  return {
    runId,
    seq: step.seq,
    nodeId: step.nodeId,
    nodeType: step.nodeType,
    status: step.status,
    inputs: step.inputs == null ? null : jsonSafe(step.inputs),
    outputs: step.outputs == null ? null : jsonSafe(step.outputs),
    error: step.error == null ? null : jsonSafe(step.error),
    startedAt: step.startedAt instanceof Date ? step.startedAt : new Date(step.startedAt),
    durationMs: step.durationMs == null ? null : Math.round(step.durationMs),
  };
}

export type RunEnd = { status: Exclude<RunStatus, "running">; answer?: Answer | null; error?: RunError | null; durationMs: number };

/**
 * finishRun for several runs in one statement (`UPDATE … FROM (VALUES …)`).
 * @example await finishRuns(db, [{ runId, end: { status: "succeeded", answer, durationMs: 812 } }]);
 */
export async function finishRuns(db: Db, ends: { runId: string; end: RunEnd }[]): Promise<void> {
  if (ends.length === 0) return;
  const json = (value: unknown) => (value == null ? null : JSON.stringify(jsonSafe(value)));
  const values = sql.join(
    ends.map(({ runId, end }) => sql`(${runId}, ${end.status}, ${json(end.answer)}::jsonb, ${json(end.error)}::jsonb, ${Math.round(end.durationMs)}::int)`),
    sql`, `,
  );
  await dbCall("finishRuns", () =>
    db.execute(sql`UPDATE ${runs} SET status = v.status, answer = v.answer, error = v.error, duration_ms = v.duration_ms, finished_at = now()
      FROM (VALUES ${values}) AS v(id, status, answer, error, duration_ms) WHERE ${runs.id} = v.id`),
  );
}
