import { getDb } from "@/lib/db";
import { requireKnowledgeBase, retrieveBatch } from "@/lib/server/knowledge";
import { parseJson, route } from "@/lib/server/request";
import { retrieveSchema } from "../../schema";

export const dynamic = "force-dynamic";

/** Batch retrieval: for each query the ranked chunks with vector, keyword and fused scores. */
export const POST = route<{ kbId: string }>(async (req, ctx, { kbId }) => {
  const body = await parseJson(req, retrieveSchema);
  const db = await getDb();
  const kb = await requireKnowledgeBase(db, ctx.workspaceId, kbId);
  return Response.json({ results: await retrieveBatch(db, kb, body, req.signal) });
}, { allow: "run" });
