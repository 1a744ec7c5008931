/**
 * What a statement costs on PGlite, with the app's own queries on a fresh file-backed database:
 * `SELECT 1`, one run row per INSERT, twenty single-row INSERTs in one transaction, twenty rows in
 * one INSERT. The reason the run path merges concurrent runs' writes (docs/architecture.md).
 * @example npx tsx --conditions=react-server scripts/bench/pglite-statements.ts
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { createDb, type Db } from "@/lib/db/client";
import { createFlow } from "@/lib/db/queries/flows";
import { createRun, createRuns } from "@/lib/db/queries/runs";
import { starterFlow } from "@/lib/flow/starter";

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), "trellis-pglite-cost-"));
  const handle = await createDb({ dataDir: dir });
  const db = handle.db;
  const flow = await createFlow(db, "local", { name: "cost", graph: starterFlow("en") });
  const input = { message: "What does a vector database store?", history: [], variables: {} };
  const row = () => ({ id: randomUUID(), workspaceId: "local", flowId: flow.id, flowRevision: 1, input });
  const rows = 200;
  const perRow = async (name: string, run: () => Promise<void>) => {
    const started = performance.now();
    await run();
    console.log(`${name.padEnd(38)} ${((performance.now() - started) / rows).toFixed(2)} ms per row`);
  };
  for (let round = 0; round < 2; round++) {
    await perRow("SELECT 1", async () => {
      for (let i = 0; i < rows; i++) await db.execute(sql`SELECT 1`);
    });
    await perRow("one run row per INSERT", async () => {
      for (let i = 0; i < rows; i++) await createRun(db, row());
    });
    await perRow("20 single-row INSERTs per transaction", async () => {
      for (let b = 0; b < rows / 20; b++) await db.transaction(async (tx) => { for (let i = 0; i < 20; i++) await createRun(tx as unknown as Db, row()); });
    });
    await perRow("20 rows per INSERT", async () => {
      for (let b = 0; b < rows / 20; b++) await createRuns(db, Array.from({ length: 20 }, row));
    });
  }
  await handle.close();
  rmSync(dir, { recursive: true, force: true });
}

void main();
