import { getDb } from "@/lib/db";
import { getFlowById } from "@/lib/db/queries/flows";
import { runSingleNode } from "@/lib/engine/run-node";
import { nodeForRun } from "@/lib/server/node-run-settings";
import { notFound, parseJson, route } from "@/lib/server/request";
import { checkRunInput } from "@/lib/server/run-input";
import { engineServices } from "@/lib/server/run-service";
import { nodeRegistry } from "@/nodes";
import { runNodeSchema } from "./schema";

export const dynamic = "force-dynamic";
export const maxDuration = 300;
type Params = { flowId: string; nodeId: string };

/** Errors in what was sent (settings, inputs), as opposed to the node failing while it ran. */
const requestErrors = new Set(["INVALID_SETTINGS", "INVALID_NODE", "UNKNOWN_NODE_TYPE", "INPUT_MISSING", "INPUT_KIND_MISMATCH"]);

/**
 * Runs one node of the saved flow alone with sample inputs (and optionally unsaved settings,
 * which need the "edit" permission unless they equal the saved ones: 403 for a viewer).
 * 200 `{ outputs, durationMs, tokens }` when it ran; 200 `{ error, durationMs }` when the node
 * itself failed (a model error, a refused URL); 400 `{ error }` when the settings or inputs are
 * unusable; 404 when the flow or node does not exist.
 */
export const POST = route<Params>(async (req, ctx, { flowId, nodeId }) => {
  const body = await parseJson(req, runNodeSchema);
  const input = { message: body.message, history: body.history, variables: body.variables };
  checkRunInput(input);
  const db = await getDb();
  const flow = await getFlowById(db, ctx.workspaceId, flowId);
  if (!flow) throw notFound({ en: "Flow", zh: "该流程" });
  const saved = flow.graph.nodes.find((node) => node.id === nodeId);
  if (!saved) throw notFound({ en: "Node", zh: "该节点" });
  // "run" runs the node as saved; other settings are an edit (a viewer may not choose them).
  const node = nodeForRun(ctx.principal, saved, body.settings);
  const result = await runSingleNode(node, body.inputs, {
    registry: nodeRegistry,
    services: engineServices(db, ctx.workspaceId),
    input,
    locale: ctx.locale,
    signal: req.signal,
  });
  if ("error" in result) {
    const { code, message } = result.error;
    return Response.json({ error: { code, message }, durationMs: result.durationMs }, { status: requestErrors.has(code) ? 400 : 200 });
  }
  return Response.json(result);
}, { allow: "run" });
