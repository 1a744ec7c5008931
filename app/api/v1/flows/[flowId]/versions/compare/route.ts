import { getDb, type Db } from "@/lib/db";
import type { Flow } from "@/lib/db/schema";
import { diffFlows } from "@/lib/flow/diff";
import { describeFlowDiff } from "@/lib/flow/diff-text";
import type { FlowDocument } from "@/lib/flow/schema";
import { readableGraph } from "@/lib/server/flow-secrets";
import { referenceCatalog } from "@/lib/server/flow-graph";
import { route } from "@/lib/server/request";
import { nodeRegistry } from "@/nodes";
import { requireFlow, requireVersion } from "../load";
import { compareQuerySchema } from "../schema";

export const dynamic = "force-dynamic";
type Params = { flowId: string };

async function side(db: Db, flow: Flow, ref: string): Promise<{ ref: string; version: number | null; graph: FlowDocument }> {
  // Masked before comparing: a diff names a secret that changed, never its value.
  if (ref === "current") return { ref, version: null, graph: readableGraph(flow.graph) };
  const found = await requireVersion(db, flow.id, Number(ref));
  return { ref, version: found.version, graph: readableGraph(found.graph) };
}

/**
 * Compares two states of a flow (`?from=2&to=current`): `{ from, to, diff, lines }` — both graphs
 * for the canvas, the structured diff, and one line per change in the caller's language.
 */
export const GET = route<Params>(async (req, ctx, { flowId }) => {
  const params = new URL(req.url).searchParams;
  const query = compareQuerySchema.parse({ from: params.get("from") ?? undefined, to: params.get("to") ?? undefined });
  const db = await getDb();
  const flow = await requireFlow(db, ctx.workspaceId, flowId);
  const from = await side(db, flow, query.from);
  const to = await side(db, flow, query.to);
  const diff = diffFlows(from.graph, to.graph, { registry: nodeRegistry });
  const lines = describeFlowDiff(diff, { from: from.graph, to: to.graph }, nodeRegistry, ctx.locale, await referenceCatalog(db, ctx.workspaceId, ctx.locale));
  return Response.json({ from, to, diff, lines });
});
