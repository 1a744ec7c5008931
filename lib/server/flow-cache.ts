import "server-only";
import type { Db } from "@/lib/db";
import { getFlowById, getFlowRevision } from "@/lib/db/queries/flows";
import type { Flow } from "@/lib/db/schema";

/**
 * The saved flow a run starts from. Every save bumps the flow's revision, so a flow read once is
 * reused while the database still reports the same revision: each run asks for one number
 * instead of the whole graph (on PGlite 2.4 ms for the row with its graph, about half for the
 * revision), and always runs what is saved now, on every instance.
 * @example const flow = await flowForRun(db, ctx.workspaceId, flowId); if (!flow) throw notFound(…);
 */
const MAX_ENTRIES = 500;
const flows = new Map<string, Flow>();

export async function flowForRun(db: Db, workspaceId: string, flowId: string): Promise<Flow | null> {
  const key = `${workspaceId}\u0000${flowId}`;
  const cached = flows.get(key);
  if (cached) {
    const revision = await getFlowRevision(db, workspaceId, flowId);
    if (revision === null) {
      flows.delete(key);
      return null;
    }
    if (revision === cached.revision) return cached;
  }
  const flow = await getFlowById(db, workspaceId, flowId);
  if (flows.size >= MAX_ENTRIES) flows.delete(flows.keys().next().value as string);
  if (flow) flows.set(key, flow);
  else flows.delete(key);
  return flow;
}
