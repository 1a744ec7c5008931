import { expect, it } from "vitest";
import {
  createFlow,
  createFlowVersion,
  duplicateFlow,
  getFlowById,
  getLatestFlowVersion,
  listFlowsByWorkspaceId,
  listFlowVersionsByFlowId,
  restoreFlowVersion,
  snapshotBeforeEdit,
  updateFlow,
} from "@/lib/db/queries/flows";
import { LOCAL_WORKSPACE_ID } from "@/lib/db/schema";
import { starterFlow } from "@/lib/flow/starter";
import type { FlowDocument } from "@/lib/flow/schema";
import { AUTO_SNAPSHOT_NOTE, beforeRestoreNote } from "@/lib/flow/version-notes";
import { forEachDatabase } from "../support/db";

const ws = LOCAL_WORKSPACE_ID;
const TEN_MINUTES = 10 * 60 * 1000;

function withTemperature(t: number): FlowDocument {
  const graph = starterFlow("zh");
  const llm = graph.nodes.find((n) => n.id === "llm");
  if (llm) llm.data = { ...llm.data, temperature: t };
  return graph;
}

forEachDatabase("flow versions", (t) => {
  it("numbers versions 1, 2, 3 per flow, independently for each flow", async () => {
    const a = await createFlow(t.db, ws, { name: "a", graph: withTemperature(0.1) });
    const b = await createFlow(t.db, ws, { name: "b", graph: withTemperature(0.2) });
    const numbers = [];
    for (const flow of [a, b, a, a]) numbers.push((await createFlowVersion(t.db, flow.id, { graph: flow.graph, author: "local" })).version);
    expect(numbers).toEqual([1, 1, 2, 3]);
    expect((await listFlowVersionsByFlowId(t.db, a.id)).map((v) => v.version)).toEqual([3, 2, 1]);
    expect((await getLatestFlowVersion(t.db, a.id))?.version).toBe(3);
    expect(await getLatestFlowVersion(t.db, (await createFlow(t.db, ws, { name: "c", graph: starterFlow("en") })).id)).toBeNull();
  });

  it("duplicates a flow with its graph under a new name, without versions, in the same workspace only", async () => {
    await t.query("INSERT INTO workspaces (id, name) VALUES ('other', 'Other') ON CONFLICT DO NOTHING");
    const original = await createFlow(t.db, ws, { name: "客服机器人", description: "常见问题", graph: withTemperature(0.3) });
    await createFlowVersion(t.db, original.id, { graph: original.graph });
    const copy = await duplicateFlow(t.db, ws, original.id, (name) => `${name} 副本`);
    expect(copy).toMatchObject({ name: "客服机器人 副本", description: "常见问题", graph: withTemperature(0.3), revision: 1, workspaceId: ws });
    expect(copy?.id).not.toBe(original.id);
    expect(await listFlowVersionsByFlowId(t.db, copy!.id)).toEqual([]);
    expect((await listFlowsByWorkspaceId(t.db, ws)).map((f) => f.name)).toContain("客服机器人 副本");
    expect(await duplicateFlow(t.db, "other", original.id, (n) => n)).toBeNull();
  });

  it("restores a version after keeping the current graph as a new version, and bumps the revision", async () => {
    const flow = await createFlow(t.db, ws, { name: "r", graph: withTemperature(0.7) });
    await createFlowVersion(t.db, flow.id, { graph: flow.graph, note: "初版", author: "local" });
    const edited = await updateFlow(t.db, ws, flow.id, { graph: withTemperature(0.2) });
    const result = await restoreFlowVersion(t.db, ws, flow.id, 1, { author: "local", beforeNote: beforeRestoreNote(1) });
    expect(result?.flow.graph).toEqual(withTemperature(0.7));
    expect(result?.flow.revision).toBe(edited.revision + 1);
    expect(result?.snapshot).toMatchObject({ version: 2, note: "trellis:before-restore:1", author: "local", graph: withTemperature(0.2) });
    expect((await getFlowById(t.db, ws, flow.id))?.graph).toEqual(withTemperature(0.7));
    // The restore can itself be undone by restoring the snapshot.
    const undone = await restoreFlowVersion(t.db, ws, flow.id, 2, {});
    expect(undone?.flow.graph).toEqual(withTemperature(0.2));
    expect((await listFlowVersionsByFlowId(t.db, flow.id)).map((v) => v.version)).toEqual([3, 2, 1]);
  });

  it("does not restore across workspaces or to a version that does not exist, and changes nothing then", async () => {
    await t.query("INSERT INTO workspaces (id, name) VALUES ('other', 'Other') ON CONFLICT DO NOTHING");
    const flow = await createFlow(t.db, ws, { name: "scoped", graph: withTemperature(0.5) });
    await createFlowVersion(t.db, flow.id, { graph: withTemperature(0.9) });
    expect(await restoreFlowVersion(t.db, "other", flow.id, 1)).toBeNull();
    expect(await restoreFlowVersion(t.db, ws, flow.id, 7)).toBeNull();
    const after = await getFlowById(t.db, ws, flow.id);
    expect(after).toMatchObject({ revision: 1, graph: withTemperature(0.5) });
    expect((await listFlowVersionsByFlowId(t.db, flow.id)).map((v) => v.version)).toEqual([1]);
  });

  it("takes an automatic version at most once per interval, only of a graph that differs from the newest version", async () => {
    const flow = await createFlow(t.db, ws, { name: "auto", graph: withTemperature(0.7) });
    const opts = { minAgeMs: TEN_MINUTES, note: AUTO_SNAPSHOT_NOTE, author: "local" };
    const first = await snapshotBeforeEdit(t.db, flow.id, withTemperature(0.7), opts);
    expect(first).toMatchObject({ version: 1, note: AUTO_SNAPSHOT_NOTE, graph: withTemperature(0.7) });
    // Five minutes later: too soon.
    const soon = new Date(first!.createdAt.getTime() + 5 * 60 * 1000);
    expect(await snapshotBeforeEdit(t.db, flow.id, withTemperature(0.5), { ...opts, now: soon })).toBeNull();
    // Eleven minutes later, the same graph as the newest version: nothing new to keep.
    const later = new Date(first!.createdAt.getTime() + 11 * 60 * 1000);
    expect(await snapshotBeforeEdit(t.db, flow.id, withTemperature(0.7), { ...opts, now: later })).toBeNull();
    // Eleven minutes later, a different graph: kept.
    expect(await snapshotBeforeEdit(t.db, flow.id, withTemperature(0.5), { ...opts, now: later })).toMatchObject({ version: 2 });
    expect((await listFlowVersionsByFlowId(t.db, flow.id)).map((v) => v.version)).toEqual([2, 1]);
  });
});
