import { isDeepStrictEqual } from "node:util";
import { getDb } from "@/lib/db";
import { requirePermission } from "@/lib/server/auth";
import { requireKnowledgeBase, retrieveBatch } from "@/lib/server/knowledge";
import { parseJson, route } from "@/lib/server/request";
import { retrieveSchema } from "../../schema";

export const dynamic = "force-dynamic";

/**
 * Batch retrieval: for each query the ranked chunks with vector, keyword and fused scores. Any
 * member may search; overriding the rerank provider or model needs "edit" (403 for a viewer).
 */
export const POST = route<{ kbId: string }>(async (req, ctx, { kbId }) => {
  const body = await parseJson(req, retrieveSchema);
  const db = await getDb();
  const kb = await requireKnowledgeBase(db, ctx.workspaceId, kbId);
  // "run" searches as the knowledge base is set up; reranking through a provider and model of
  // the caller's choosing spends the workspace's money on their terms, which is an edit.
  if (body.rerank && !isDeepStrictEqual(body.rerank, kb.retrieval.rerank ?? null)) {
    requirePermission(ctx.principal, "edit", { en: "rerank with a provider or model other than the knowledge base's", zh: "使用知识库设置以外的供应商或模型重排序" });
  }
  return Response.json({ results: await retrieveBatch(db, kb, body, req.signal) });
}, { allow: "run" });
