import { getDb } from "@/lib/db";
import { restoreFlowVersion } from "@/lib/db/queries/flows";
import { beforeRestoreNote } from "@/lib/flow/version-notes";
import { readableFlow } from "@/lib/server/flow-secrets";
import { notFound, route } from "@/lib/server/request";
import { authorOf, parseVersionNumber, requireFlow, versionSummary } from "../../load";

export const dynamic = "force-dynamic";
type Params = { flowId: string; version: string };

/**
 * Restores a version: the current graph is first kept as a new version, then replaced by the
 * chosen one (revision bumped). `{ flow, snapshot }`; `snapshot` is the version that undoes it.
 */
export const POST = route<Params>(async (_req, ctx, { flowId, version }) => {
  const number = parseVersionNumber(version);
  const db = await getDb();
  await requireFlow(db, ctx.workspaceId, flowId);
  const result = await restoreFlowVersion(db, ctx.workspaceId, flowId, number, { author: authorOf(ctx), beforeNote: beforeRestoreNote(number) });
  if (!result) throw notFound({ en: `Version ${number}`, zh: `版本 ${number}` });
  return Response.json({ flow: readableFlow(result.flow), snapshot: versionSummary(result.snapshot, ctx.locale), restored: result.restored.version });
});
