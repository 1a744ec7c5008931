import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { createDb } from "@/lib/db/client";
import { admit, settleCalls } from "@/lib/db/queries/bot-counters";
import { createFlow, getFlowById, getFlowRevision } from "@/lib/db/queries/flows";
import { createRuns } from "@/lib/db/queries/runs";
import { starterFlow } from "@/lib/flow/starter";
import { readBotSettings } from "@/lib/bots/types";
import { analyzeFlow } from "@/lib/flow/validate";
import { nodeRegistry } from "@/nodes";

async function main() {
  const h = await createDb({ dataDir: mkdtempSync(path.join(tmpdir(), "pgb-")) });
  const db = h.db;
  const flow = await createFlow(db, "local", { name: "x", graph: starterFlow("en") });
  const bots = await db.execute(`select 1`);
  void bots;
  const N = 200;
  const time = async (name: string, fn: () => Promise<unknown> | unknown) => {
    for (let i = 0; i < 20; i++) await fn();
    const t = performance.now();
    for (let i = 0; i < N; i++) await fn();
    console.log(name.padEnd(20), ((performance.now() - t) / N).toFixed(3), "ms");
  };
  await time("getFlowById", () => getFlowById(db, "local", flow.id));
  await time("getFlowRevision", () => getFlowRevision(db, "local", flow.id));
  await time("createRuns(1)", () => createRuns(db, [{ id: randomUUID(), workspaceId: "local", flowId: flow.id, flowRevision: 1, input: { message: "q", history: [], variables: {} } }]));
  await time("admit (no run)", () => admit(db, { hits: ["rpm:ip:b:1", "rpm:key:k", "rpm:user:b:u"], minute: Math.floor(Date.now() / 60000), budgets: ["tok:bot:b"], day: 1 }));
  await time("settle", () => settleCalls(db, { activeRunIds: [randomUUID()], tokens: [{ key: "tok:bot:b", day: 1, tokens: 10 }] }));
  await time("readBotSettings", () => readBotSettings({ title: "x" }));
  await time("analyzeFlow", () => analyzeFlow(flow.graph, nodeRegistry, "en"));
  await h.close();
}
main();
