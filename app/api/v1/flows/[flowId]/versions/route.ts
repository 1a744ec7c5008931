import { getDb } from "@/lib/db";
import { createFlowVersion, listFlowVersionsByFlowId } from "@/lib/db/queries/flows";
import { parseJson, route } from "@/lib/server/request";
import { authorOf, requireFlow, versionSummary } from "./load";
import { createVersionSchema } from "./schema";

export const dynamic = "force-dynamic";
type Params = { flowId: string };

/** The flow's versions, newest first: `{ versions: [{ version, note, noteKind, noteText, author, createdAt }] }`. */
export const GET = route<Params>(async (_req, ctx, { flowId }) => {
  const db = await getDb();
  await requireFlow(db, ctx.workspaceId, flowId);
  const versions = await listFlowVersionsByFlowId(db, flowId);
  return Response.json({ versions: versions.map((v) => versionSummary(v, ctx.locale)) });
});

/** "Save version": freezes the flow's current graph with an optional note. 201 `{ version }`. */
export const POST = route<Params>(async (req, ctx, { flowId }) => {
  const body = await parseJson(req, createVersionSchema);
  const db = await getDb();
  const flow = await requireFlow(db, ctx.workspaceId, flowId);
  const version = await createFlowVersion(db, flowId, { graph: flow.graph, note: body.note, author: authorOf(ctx) });
  return Response.json({ version: versionSummary(version, ctx.locale) }, { status: 201 });
});
