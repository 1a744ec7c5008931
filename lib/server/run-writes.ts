import "server-only";
import type { Db } from "@/lib/db";
import { createRuns, finishRuns, saveStepsOfRuns, type RunEnd, type RunStepInput } from "@/lib/db/queries/runs";
import type { RunInput } from "@/nodes/context";
import { coalesce } from "./coalesce";

/**
 * The run record's writes, merged across the runs in progress (lib/server/coalesce.ts): runs that
 * start together are recorded by one INSERT, and the steps and ends of runs that finish together
 * by one statement each. Each caller still waits for its own write, so "recorded before it
 * starts" and "recorded when the stream ends" hold per run.
 */
export interface RunWrites {
  create(run: { id: string; workspaceId: string; flowId: string; flowRevision: number; input: RunInput }): Promise<void>;
  saveSteps(runId: string, steps: RunStepInput[]): Promise<void>;
  finish(runId: string, end: RunEnd): Promise<void>;
}

const byDb = new WeakMap<Db, RunWrites>();

export function runWrites(db: Db): RunWrites {
  let writes = byDb.get(db);
  if (!writes) {
    const steps = coalesce((batches: { runId: string; steps: RunStepInput[] }[]) => saveStepsOfRuns(db, batches));
    const ends = coalesce((items: { runId: string; end: RunEnd }[]) => finishRuns(db, items));
    writes = {
      create: coalesce((runs: Parameters<RunWrites["create"]>[0][]) => createRuns(db, runs)),
      saveSteps: (runId, list) => steps({ runId, steps: list }),
      finish: (runId, end) => ends({ runId, end }),
    };
    byDb.set(db, writes);
  }
  return writes;
}
