import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { createDb } from "@/lib/db/client";
import { createRun, finishRun } from "@/lib/db/queries/runs";
import { createFlow } from "@/lib/db/queries/flows";
import { runs } from "@/lib/db/schema";
import { starterFlow } from "@/lib/flow/starter";

async function main() {
  const url = process.argv[2];
  const h = await createDb(url ? { url } : { dataDir: mkdtempSync(path.join(tmpdir(), "pgb-")) });
  const db = h.db;
  const flow = await createFlow(db, "local", { name: "x", graph: starterFlow("en") } as never).catch(async (e) => { console.error(e); throw e; });
  const input = { message: "Question 1 what does a vector database store?", history: [], variables: {} };
  const N = 200;
  for (let round = 0; round < 2; round++) {
    let t = performance.now();
    for (let i = 0; i < N; i++) await createRun(db, { id: randomUUID(), workspaceId: "local", flowId: flow.id, flowRevision: 1, input });
    const auto = (performance.now() - t) / N;
    t = performance.now();
    await Promise.all(Array.from({ length: N }, () => createRun(db, { id: randomUUID(), workspaceId: "local", flowId: flow.id, flowRevision: 1, input })));
    const par = (performance.now() - t) / N;
    t = performance.now();
    for (let b = 0; b < N / 20; b++) await db.transaction(async (tx) => { for (let i = 0; i < 20; i++) await createRun(tx as never, { id: randomUUID(), workspaceId: "local", flowId: flow.id, flowRevision: 1, input }); });
    const tx20 = (performance.now() - t) / N;
    t = performance.now();
    for (let b = 0; b < N / 20; b++) await db.insert(runs).values(Array.from({ length: 20 }, () => ({ id: randomUUID(), workspaceId: "local", flowId: flow.id, flowRevision: 1, input })));
    const multi20 = (performance.now() - t) / N;
    const ids: string[] = [];
    for (let i = 0; i < N; i++) ids.push(await createRun(db, { id: randomUUID(), workspaceId: "local", flowId: flow.id, flowRevision: 1, input }));
    t = performance.now();
    for (const id of ids) await finishRun(db, id, { status: "succeeded", answer: { text: "w1 w2 w3 w4 w5 w6 w7 w8 w9 w10 w11", citations: [] }, durationMs: 230 });
    const fin = (performance.now() - t) / N;
    console.log(JSON.stringify({ round, autocommit_ms: auto.toFixed(2), parallel_ms: par.toFixed(2), tx20_ms: tx20.toFixed(2), multirow20_ms: multi20.toFixed(2), finish_ms: fin.toFixed(2) }));
  }
  await h.close();
}
main();
