import { getDb } from "@/lib/db";
import { readableGraph } from "@/lib/server/flow-secrets";
import { route } from "@/lib/server/request";
import { parseVersionNumber, requireFlow, requireVersion, versionSummary } from "../load";

export const dynamic = "force-dynamic";
type Params = { flowId: string; version: string };

/** One version with its graph: `{ version: { version, note, …, graph } }`. */
export const GET = route<Params>(async (_req, ctx, { flowId, version }) => {
  const number = parseVersionNumber(version);
  const db = await getDb();
  await requireFlow(db, ctx.workspaceId, flowId);
  const found = await requireVersion(db, flowId, number);
  return Response.json({ version: { ...versionSummary(found, ctx.locale), graph: readableGraph(found.graph) } });
});
