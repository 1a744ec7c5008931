import { expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { emptyFlow, type FlowDocument } from "@/lib/flow/schema";
import {
  createFlow,
  createFlowVersion,
  deleteFlowById,
  getFlowById,
  getFlowVersion,
  listFlowsByWorkspaceId,
  listFlowVersionsByFlowId,
  updateFlow,
} from "@/lib/db/queries/flows";
import { LOCAL_WORKSPACE_ID } from "@/lib/db/schema";
import { forEachDatabase } from "../support/db";

const ws = LOCAL_WORKSPACE_ID;

function graphWith(...ids: string[]): FlowDocument {
  return { ...emptyFlow(), nodes: ids.map((id) => ({ id, type: "llm", position: { x: 0, y: 0 }, data: { prompt: `问：${id}` } })) };
}

forEachDatabase("flows", (t) => {
  it("creates, reads back and lists a flow without its graph", async () => {
    const created = await createFlow(t.db, ws, { name: "客服机器人", description: "回答常见问题", graph: graphWith("n1") });
    expect(created).toMatchObject({ workspaceId: ws, name: "客服机器人", description: "回答常见问题", revision: 1 });

    const read = await getFlowById(t.db, ws, created.id);
    expect(read?.graph).toEqual(graphWith("n1"));

    const list = await listFlowsByWorkspaceId(t.db, ws);
    const entry = list.find((f) => f.id === created.id);
    expect(entry).toEqual({ id: created.id, name: "客服机器人", description: "回答常见问题", updatedAt: created.updatedAt, revision: 1 });
    expect(entry).not.toHaveProperty("graph");
  });

  it("does not show one workspace's flows to another", async () => {
    await t.query("INSERT INTO workspaces (id, name) VALUES ('other', 'Other') ON CONFLICT DO NOTHING");
    const mine = await createFlow(t.db, ws, { name: "mine", graph: emptyFlow() });
    expect(await getFlowById(t.db, "other", mine.id)).toBeNull();
    expect((await listFlowsByWorkspaceId(t.db, "other")).map((f) => f.id)).not.toContain(mine.id);
    expect(await deleteFlowById(t.db, "other", mine.id)).toBe(false);
    expect(await getFlowById(t.db, ws, mine.id)).not.toBeNull();
  });

  it("returns null for an id that is not a UUID instead of failing", async () => {
    expect(await getFlowById(t.db, ws, "not-a-uuid")).toBeNull();
  });

  it("bumps the revision on every save", async () => {
    const flow = await createFlow(t.db, ws, { name: "a", graph: emptyFlow() });
    const renamed = await updateFlow(t.db, ws, flow.id, { name: "b" });
    const regraphed = await updateFlow(t.db, ws, flow.id, { graph: graphWith("x"), expectedRevision: 2 });
    expect([renamed.revision, regraphed.revision]).toEqual([2, 3]);
    expect(regraphed).toMatchObject({ name: "b", description: "", graph: graphWith("x") });
    expect(regraphed.updatedAt.getTime()).toBeGreaterThanOrEqual(flow.updatedAt.getTime());
  });

  it("refuses a save based on a stale revision with a 409 in both languages and stores nothing", async () => {
    const flow = await createFlow(t.db, ws, { name: "shared", graph: graphWith("a") });
    await updateFlow(t.db, ws, flow.id, { graph: graphWith("tab-1"), expectedRevision: 1 });

    const stale = updateFlow(t.db, ws, flow.id, { name: "tab-2", graph: graphWith("tab-2"), expectedRevision: 1 });
    await expect(stale).rejects.toBeInstanceOf(AppError);
    const error = (await stale.catch((e: unknown) => e)) as AppError;
    expect(error).toMatchObject({ code: "conflict", status: 409, details: { currentRevision: 2, expectedRevision: 1 } });
    expect(error.messageIn("en")).toMatch(/changed elsewhere/);
    expect(error.messageIn("zh")).toMatch(/已在别处被修改/);

    const stored = await getFlowById(t.db, ws, flow.id);
    expect(stored).toMatchObject({ name: "shared", revision: 2, graph: graphWith("tab-1") });
  });

  it("lets exactly one of two racing saves of the same revision win", async () => {
    const flow = await createFlow(t.db, ws, { name: "race", graph: emptyFlow() });
    const results = await Promise.allSettled([
      updateFlow(t.db, ws, flow.id, { graph: graphWith("left"), expectedRevision: 1 }),
      updateFlow(t.db, ws, flow.id, { graph: graphWith("right"), expectedRevision: 1 }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(results.filter((r) => r.status === "rejected").map((r) => (r as PromiseRejectedResult).reason.code)).toEqual(["conflict"]);
    expect((await getFlowById(t.db, ws, flow.id))?.revision).toBe(2);
  });

  it("reports a missing flow as 404, not as a conflict", async () => {
    await expect(updateFlow(t.db, ws, "00000000-0000-0000-0000-000000000000", { name: "x", expectedRevision: 1 })).rejects.toMatchObject({
      code: "not_found",
      status: 404,
    });
  });

  it("numbers versions 1, 2, 3 per flow, also when created concurrently", async () => {
    const a = await createFlow(t.db, ws, { name: "a", graph: graphWith("a") });
    const b = await createFlow(t.db, ws, { name: "b", graph: emptyFlow() });
    const v1 = await createFlowVersion(t.db, a.id, { graph: graphWith("v1"), note: "首次发布", author: "李雷" });
    const more = await Promise.all([2, 3, 4].map((n) => createFlowVersion(t.db, a.id, { graph: graphWith(`v${n}`) })));
    const bFirst = await createFlowVersion(t.db, b.id, { graph: emptyFlow() });

    expect(v1).toMatchObject({ flowId: a.id, version: 1, note: "首次发布", author: "李雷" });
    expect(more.map((v) => v.version).sort()).toEqual([2, 3, 4]);
    expect(bFirst.version).toBe(1);

    const listed = await listFlowVersionsByFlowId(t.db, a.id);
    expect(listed.map((v) => v.version)).toEqual([4, 3, 2, 1]);
    expect(listed[0]).not.toHaveProperty("graph");
    expect((await getFlowVersion(t.db, a.id, 1))?.graph).toEqual(graphWith("v1"));
    expect(await getFlowVersion(t.db, a.id, 99)).toBeNull();
    expect(await getFlowVersion(t.db, a.id, Number.NaN)).toBeNull();
  });

  it("refuses a version of a flow that does not exist", async () => {
    await expect(createFlowVersion(t.db, "missing", { graph: emptyFlow() })).rejects.toMatchObject({ code: "not_found", status: 404 });
  });

  it("deletes a flow with its versions", async () => {
    const flow = await createFlow(t.db, ws, { name: "gone", graph: emptyFlow() });
    await createFlowVersion(t.db, flow.id, { graph: emptyFlow() });
    expect(await deleteFlowById(t.db, ws, flow.id)).toBe(true);
    expect(await getFlowById(t.db, ws, flow.id)).toBeNull();
    expect(await listFlowVersionsByFlowId(t.db, flow.id)).toEqual([]);
  });

  it("stores text with a NUL character or a broken surrogate instead of failing", async () => {
    const graph = { ...emptyFlow(), nodes: [{ id: "n", type: "prompt", position: { x: 0, y: 0 }, data: { text: "PDF\u0000文本\uD83D" } }] };
    const flow = await createFlow(t.db, ws, { name: "bad\u0000name", graph });
    expect(flow.name).toBe("badname");
    expect(flow.graph.nodes[0].data.text).toBe("PDF文本\uFFFD");
  });

  it("wraps database failures in a bilingual AppError", async () => {
    // A workspace that does not exist violates the foreign key.
    const failure = await createFlow(t.db, "no-such-workspace", { name: "x", graph: emptyFlow() }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(AppError);
    expect(failure).toMatchObject({ code: "internal:database", status: 500 });
    expect((failure as AppError).messageIn("zh")).toMatch(/数据库/);
  });
});
