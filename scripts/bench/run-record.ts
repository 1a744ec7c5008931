import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createDb, type DbHandle } from "@/lib/db/client";
import { createFlow } from "@/lib/db/queries/flows";
import { createRun } from "@/lib/db/queries/runs";
import { starterFlow } from "@/lib/flow/starter";
import { redactSecrets } from "@/lib/security/redact";
import { checkRunInput } from "@/lib/server/run-input";
import { scratchPostgres } from "@/tests/support/scratch-postgres";
import type { BenchArgs } from "../bench";

/**
 * What a run waits for before its first node since it is recorded first (issue 14): the input
 * check, redaction and the INSERT of the run row. On PGlite in memory, PGlite in a folder (the
 * default app) and, with TEST_DATABASE_URL, a scratch database on that PostgreSQL server.
 */
const RUNS = 300;
const WARMUP = 50;

async function measure(handle: DbHandle): Promise<{ p50: number; p95: number }> {
  const flow = await createFlow(handle.db, "local", { name: "bench", graph: starterFlow("en") });
  const input = { message: "What is the refund policy for orders shipped abroad? Authorization: Bearer sk-live-0123456789", history: [], variables: { city: "上海" } };
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    checkRunInput(input);
    await createRun(handle.db, { id: randomUUID(), workspaceId: "local", flowId: flow.id, flowRevision: flow.revision, input: redactSecrets(input) });
    if (i >= WARMUP) times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return { p50: times[Math.floor(times.length / 2)], p95: times[Math.floor(times.length * 0.95)] };
}

export async function run(args: BenchArgs): Promise<void> {
  const results: Record<string, { p50: number; p95: number }> = {};
  results["pglite-memory"] = await withHandle(() => createDb({ dataDir: "memory" }), measure);
  const folder = mkdtempSync(path.join(tmpdir(), "trellis-bench-"));
  try {
    results["pglite-folder"] = await withHandle(() => createDb({ dataDir: path.join(folder, "pglite") }), measure);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (adminUrl) {
    const pg = await scratchPostgres(adminUrl, "bench");
    try {
      results.postgres = await withHandle(() => createDb({ url: pg.url }), measure);
    } finally {
      await pg.drop();
    }
  }
  if (args.json) {
    console.log(JSON.stringify(Object.fromEntries(Object.entries(results).map(([k, v]) => [k, { p50_ms: round(v.p50), p95_ms: round(v.p95) }]))));
    return;
  }
  console.log(`run record before the first node (check + redact + INSERT), ${RUNS - WARMUP} runs each after ${WARMUP} warm-up:`);
  for (const [name, r] of Object.entries(results)) console.log(`  ${name.padEnd(14)} p50 ${round(r.p50)} ms   p95 ${round(r.p95)} ms`);
}

async function withHandle<T>(open: () => Promise<DbHandle>, fn: (handle: DbHandle) => Promise<T>): Promise<T> {
  const handle = await open();
  try {
    return await fn(handle);
  } finally {
    await handle.close();
  }
}

const round = (ms: number) => Math.round(ms * 100) / 100;
