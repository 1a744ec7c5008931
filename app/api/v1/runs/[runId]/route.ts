import { getDb } from "@/lib/db";
import { getRunById } from "@/lib/db/queries/runs";
import { notFound, route } from "@/lib/server/request";

export const dynamic = "force-dynamic";

/** A run with its trace: one step per node, in the order they started, with durations. */
export const GET = route<{ runId: string }>(async (_req, ctx, { runId }) => {
  const run = await getRunById(await getDb(), ctx.workspaceId, runId);
  if (!run) throw notFound({ en: "Run", zh: "该运行记录" });
  return Response.json({ run });
});
