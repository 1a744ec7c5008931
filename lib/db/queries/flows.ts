import "server-only";
import { randomUUID } from "node:crypto";
import { and, desc, eq, sql } from "drizzle-orm";
import { AppError } from "@/lib/errors";
import { sameFlow } from "@/lib/flow/diff";
import type { FlowDocument } from "@/lib/flow/schema";
import type { Db } from "../client";
import { dbCall } from "../errors";
import { jsonSafe } from "../json";
import { flows, flowVersions, type Flow, type FlowVersion } from "../schema";

/**
 * Flows and their saved versions. The graph is stored as the flow document the canvas edits;
 * it is returned as stored — upgrading documents of an older schemaVersion is lib/flow's job.
 */

export type FlowSummary = Pick<Flow, "id" | "name" | "description" | "updatedAt" | "revision">;

const notFound = () => new AppError("not_found", { en: "Flow not found.", zh: "找不到该流程。" }, 404);

/**
 * The workspace's flows for the list page, newest first, without their graphs.
 * @example const flows = await listFlowsByWorkspaceId(db, "local");
 */
export function listFlowsByWorkspaceId(db: Db, workspaceId: string): Promise<FlowSummary[]> {
  return dbCall("listFlowsByWorkspaceId", () =>
    db
      .select({ id: flows.id, name: flows.name, description: flows.description, updatedAt: flows.updatedAt, revision: flows.revision })
      .from(flows)
      .where(eq(flows.workspaceId, workspaceId))
      .orderBy(desc(flows.updatedAt), flows.id),
  );
}

/**
 * Every flow of the workspace with its graph, for questions asked of all of them at once
 * ("which flows use this knowledge base?").
 * @example const all = await listFlowGraphsByWorkspaceId(db, "local");
 */
export function listFlowGraphsByWorkspaceId(db: Db, workspaceId: string): Promise<Pick<Flow, "id" | "name" | "graph">[]> {
  return dbCall("listFlowGraphsByWorkspaceId", () =>
    db.select({ id: flows.id, name: flows.name, graph: flows.graph }).from(flows).where(eq(flows.workspaceId, workspaceId)).orderBy(flows.name, flows.id),
  );
}

/**
 * One flow of the workspace, or null (also when it belongs to another workspace).
 * @example const flow = await getFlowById(db, "local", flowId); if (!flow) notFound();
 */
export async function getFlowById(db: Db, workspaceId: string, id: string): Promise<Flow | null> {
  const rows = await dbCall("getFlowById", () =>
    db.select().from(flows).where(and(eq(flows.workspaceId, workspaceId), eq(flows.id, id))).limit(1),
  );
  return rows[0] ?? null;
}

/**
 * The saved revision of a flow of the workspace, or null: what a run checks its cached copy of
 * the graph against (a number instead of the whole document).
 * @example const revision = await getFlowRevision(db, "local", flowId);
 */
export async function getFlowRevision(db: Db, workspaceId: string, id: string): Promise<number | null> {
  const rows = await dbCall("getFlowRevision", () =>
    db.select({ revision: flows.revision }).from(flows).where(and(eq(flows.workspaceId, workspaceId), eq(flows.id, id))).limit(1),
  );
  return rows[0]?.revision ?? null;
}

/**
 * Creates a flow at revision 1. `id` may be chosen beforehand (secrets in the graph are
 * encrypted bound to it); else the database makes one.
 * @example const flow = await createFlow(db, "local", { name: "客服机器人", graph: emptyFlow() });
 */
export async function createFlow(
  db: Db,
  workspaceId: string,
  input: { id?: string; name: string; description?: string; graph: FlowDocument },
): Promise<Flow> {
  const rows = await dbCall("createFlow", () =>
    db
      .insert(flows)
      .values(jsonSafe({ ...(input.id ? { id: input.id } : {}), workspaceId, name: input.name, description: input.description ?? "", graph: input.graph }))
      .returning(),
  );
  return rows[0];
}

/**
 * Saves changes to a flow and bumps its revision. With `expectedRevision` the save only happens
 * if nobody saved in between (checked by the UPDATE itself, so two racing saves cannot both
 * win); otherwise it throws a 409 "conflict" and stores nothing.
 * @example await updateFlow(db, "local", id, { graph, expectedRevision: flow.revision });
 */
export async function updateFlow(
  db: Db,
  workspaceId: string,
  id: string,
  patch: { name?: string; description?: string; graph?: FlowDocument; expectedRevision?: number },
): Promise<Flow> {
  const where = [eq(flows.workspaceId, workspaceId), eq(flows.id, id)];
  if (patch.expectedRevision !== undefined) where.push(eq(flows.revision, patch.expectedRevision));
  const rows = await dbCall("updateFlow", () =>
    db
      .update(flows)
      .set({
        ...jsonSafe({ name: patch.name, description: patch.description, graph: patch.graph }),
        revision: sql`${flows.revision} + 1`,
        updatedAt: sql`now()`,
      })
      .where(and(...where))
      .returning(),
  );
  if (rows[0]) return rows[0];
  const current = await getFlowById(db, workspaceId, id);
  if (!current) throw notFound();
  throw new AppError(
    "conflict",
    {
      en: "This flow was changed elsewhere (in another tab or by someone else). Reload it to see the latest version, then make your change again.",
      zh: "该流程已在别处被修改（其他标签页或其他人）。请重新加载以查看最新版本，然后再次修改。",
    },
    409,
    { currentRevision: current.revision, expectedRevision: patch.expectedRevision },
  );
}

/**
 * Deletes a flow with its versions and runs. Returns false when there was no such flow.
 * @example if (!(await deleteFlowById(db, "local", id))) return notFound();
 */
export async function deleteFlowById(db: Db, workspaceId: string, id: string): Promise<boolean> {
  const rows = await dbCall("deleteFlowById", () =>
    db.delete(flows).where(and(eq(flows.workspaceId, workspaceId), eq(flows.id, id))).returning({ id: flows.id }),
  );
  return rows.length > 0;
}

/**
 * Freezes a graph as the flow's next numbered version (1, 2, 3, …). The number comes from the
 * flow row, incremented under its row lock in the same transaction as the insert, so concurrent
 * publishes get distinct numbers and a failed insert hands out none.
 * @example const v = await createFlowVersion(db, flow.id, { graph: flow.graph, note: "上线" });
 */
export async function createFlowVersion(
  db: Db,
  flowId: string,
  input: { graph: FlowDocument; note?: string; author?: string | null },
): Promise<FlowVersion> {
  return dbCall("createFlowVersion", () =>
    db.transaction(async (tx) => {
      const bumped = await tx
        .update(flows)
        .set({ latestVersion: sql`${flows.latestVersion} + 1` })
        .where(eq(flows.id, flowId))
        .returning({ version: flows.latestVersion });
      if (!bumped[0]) throw notFound();
      const rows = await tx
        .insert(flowVersions)
        .values(jsonSafe({ flowId, version: bumped[0].version, graph: input.graph, note: input.note ?? "", author: input.author ?? null }))
        .returning();
      return rows[0];
    }),
  );
}

export type FlowVersionSummary = Pick<FlowVersion, "id" | "flowId" | "version" | "note" | "author" | "createdAt">;

/**
 * A flow's versions, newest first, without their graphs.
 * @example const versions = await listFlowVersionsByFlowId(db, flow.id);
 */
export function listFlowVersionsByFlowId(db: Db, flowId: string): Promise<FlowVersionSummary[]> {
  return dbCall("listFlowVersionsByFlowId", () =>
    db
      .select({
        id: flowVersions.id,
        flowId: flowVersions.flowId,
        version: flowVersions.version,
        note: flowVersions.note,
        author: flowVersions.author,
        createdAt: flowVersions.createdAt,
      })
      .from(flowVersions)
      .where(eq(flowVersions.flowId, flowId))
      .orderBy(desc(flowVersions.version)),
  );
}

/**
 * One version of a flow with its graph, or null.
 * @example const v3 = await getFlowVersion(db, flow.id, 3);
 */
export async function getFlowVersion(db: Db, flowId: string, version: number): Promise<FlowVersion | null> {
  if (!Number.isSafeInteger(version) || version < 1 || version > 2_147_483_647) return null;
  const rows = await dbCall("getFlowVersion", () =>
    db
      .select()
      .from(flowVersions)
      .where(and(eq(flowVersions.flowId, flowId), eq(flowVersions.version, version)))
      .limit(1),
  );
  return rows[0] ?? null;
}

/**
 * The flow's newest version with its graph, or null when it has none. The automatic-version rule
 * compares against it.
 * @example const latest = await getLatestFlowVersion(db, flow.id);
 */
export async function getLatestFlowVersion(db: Db, flowId: string): Promise<FlowVersion | null> {
  const rows = await dbCall("getLatestFlowVersion", () =>
    db.select().from(flowVersions).where(eq(flowVersions.flowId, flowId)).orderBy(desc(flowVersions.version)).limit(1),
  );
  return rows[0] ?? null;
}

/**
 * Copies a flow (name from `name(original)`, same description and graph) into the same
 * workspace, at revision 1 and without versions or runs. Null when there is no such flow.
 * `graph` turns the original's graph into the copy's, given the copy's id (its secrets are
 * bound to the flow they belong to and must be encrypted anew).
 * @example const copy = await duplicateFlow(db, "local", id, (n) => `${n} 副本`, (graph, copyId) => reencrypt(graph, copyId));
 */
export async function duplicateFlow(
  db: Db,
  workspaceId: string,
  id: string,
  name: (original: string) => string,
  graph: (original: FlowDocument, copyId: string) => FlowDocument = (original) => original,
): Promise<Flow | null> {
  const original = await getFlowById(db, workspaceId, id);
  if (!original) return null;
  const copyId = randomUUID();
  return createFlow(db, workspaceId, { id: copyId, name: name(original.name).slice(0, 120), description: original.description, graph: graph(original.graph, copyId) });
}

/**
 * Makes an old version the flow's current graph. First the current graph is saved as a new
 * version (noted `beforeNote`), so a restore can itself be undone; then the graph is replaced and
 * the revision bumped (an editor open on the old revision is told its copy is stale). All in one
 * transaction: a failure leaves neither the snapshot nor the change. Null when the flow is not in
 * this workspace or has no such version.
 * @example const restored = await restoreFlowVersion(db, "local", flowId, 3, { author: "local", beforeNote: beforeRestoreNote(3) });
 */
export async function restoreFlowVersion(
  db: Db,
  workspaceId: string,
  flowId: string,
  version: number,
  opts: { author?: string | null; beforeNote?: string } = {},
): Promise<{ flow: Flow; snapshot: FlowVersion; restored: FlowVersion } | null> {
  const target = await getFlowVersion(db, flowId, version);
  if (!target) return null;
  return dbCall("restoreFlowVersion", () =>
    db.transaction(async (tx) => {
      const locked = await tx
        .update(flows)
        .set({ latestVersion: sql`${flows.latestVersion} + 1` })
        .where(and(eq(flows.workspaceId, workspaceId), eq(flows.id, flowId)))
        .returning({ version: flows.latestVersion, graph: flows.graph });
      if (!locked[0]) return null;
      const snapshots = await tx
        .insert(flowVersions)
        .values(jsonSafe({ flowId, version: locked[0].version, graph: locked[0].graph, note: opts.beforeNote ?? "", author: opts.author ?? null }))
        .returning();
      const updated = await tx
        .update(flows)
        .set({ ...jsonSafe({ graph: target.graph }), revision: sql`${flows.revision} + 1`, updatedAt: sql`now()` })
        .where(eq(flows.id, flowId))
        .returning();
      return { flow: updated[0], snapshot: snapshots[0], restored: target };
    }),
  );
}

/**
 * The automatic version rule, asked after every save of a changed graph: keep `previous` (the
 * graph as it was before this save) as a version when the flow has no version yet, or when its
 * newest version is older than `minAgeMs` and differs from `previous`. So autosave, which saves
 * every few seconds, yields at most one version per interval of editing, and the state before
 * each stretch of editing can be restored. Returns the version made, or null.
 * @example await snapshotBeforeEdit(db, flow.id, before.graph, { author: "local", note: AUTO_SNAPSHOT_NOTE, minAgeMs: AUTO_SNAPSHOT_INTERVAL_MS });
 */
export async function snapshotBeforeEdit(
  db: Db,
  flowId: string,
  previous: FlowDocument,
  opts: { minAgeMs: number; note: string; author?: string | null; now?: Date },
): Promise<FlowVersion | null> {
  const latest = await getLatestFlowVersion(db, flowId);
  if (latest) {
    const age = (opts.now ?? new Date()).getTime() - latest.createdAt.getTime();
    if (age < opts.minAgeMs || sameFlow(latest.graph, previous)) return null;
  }
  return createFlowVersion(db, flowId, { graph: previous, note: opts.note, author: opts.author });
}

/**
 * The graphs of all of a flow's versions (not a list for people: secrets are looked up in them
 * when a save keeps a secret the current graph no longer holds, e.g. after an undo).
 * @example const graphs = await listFlowVersionGraphs(db, flow.id);
 */
export async function listFlowVersionGraphs(db: Db, flowId: string): Promise<FlowDocument[]> {
  const rows = await dbCall("listFlowVersionGraphs", () => db.select({ graph: flowVersions.graph }).from(flowVersions).where(eq(flowVersions.flowId, flowId)));
  return rows.map((row) => row.graph);
}

/** One stored graph of a flow or of a version, with the workspace and flow it belongs to. */
export interface StoredGraph {
  id: string;
  workspaceId: string;
  flowId: string;
  graph: FlowDocument;
}

/**
 * A page of every workspace's flow graphs (`kind: "flows"`) or version graphs (`"versions"`), in
 * id order after `afterId`. For start-up upgrades of stored documents only: no person's request
 * reads across workspaces.
 * @example const page = await listStoredGraphsForUpgrade(db, "flows", "", 100);
 */
export async function listStoredGraphsForUpgrade(db: Db, kind: "flows" | "versions", afterId: string, limit: number): Promise<StoredGraph[]> {
  return dbCall("listStoredGraphsForUpgrade", () =>
    kind === "flows"
      ? db
          .select({ id: flows.id, workspaceId: flows.workspaceId, flowId: flows.id, graph: flows.graph })
          .from(flows)
          .where(sql`${flows.id} > ${afterId}`)
          .orderBy(flows.id)
          .limit(limit)
      : db
          .select({ id: flowVersions.id, workspaceId: flows.workspaceId, flowId: flowVersions.flowId, graph: flowVersions.graph })
          .from(flowVersions)
          .innerJoin(flows, eq(flows.id, flowVersions.flowId))
          .where(sql`${flowVersions.id} > ${afterId}`)
          .orderBy(flowVersions.id)
          .limit(limit),
  );
}

/**
 * Rewrites a stored graph in place, without a new revision or version, if it is still `previous`
 * (a save in between wins): for upgrades that change how the same flow is stored (clear-text
 * secrets encrypted), not what it does. Returns whether it was rewritten.
 * @example await replaceStoredGraph(db, "versions", row.id, row.graph, sealed);
 */
export async function replaceStoredGraph(db: Db, kind: "flows" | "versions", id: string, previous: FlowDocument, graph: FlowDocument): Promise<boolean> {
  const before = JSON.stringify(previous);
  const rows = await dbCall("replaceStoredGraph", () =>
    kind === "flows"
      ? db.update(flows).set(jsonSafe({ graph })).where(and(eq(flows.id, id), sql`${flows.graph} = ${before}::jsonb`)).returning({ id: flows.id })
      : db.update(flowVersions).set(jsonSafe({ graph })).where(and(eq(flowVersions.id, id), sql`${flowVersions.graph} = ${before}::jsonb`)).returning({ id: flowVersions.id }),
  );
  return rows.length > 0;
}
