import { getDb } from "@/lib/db";
import { documentNotFound, getDocumentById, updateDocumentStatus } from "@/lib/db/queries/documents";
import { AppError } from "@/lib/errors";
import { enqueueDocuments } from "@/lib/server/knowledge";
import { route } from "@/lib/server/request";
import { documentView } from "../../../../schema";

export const dynamic = "force-dynamic";

/** A failed document goes back to the queue (e.g. after the model server came back). */
export const POST = route<{ kbId: string; docId: string }>(async (_req, ctx, { kbId, docId }) => {
  const db = await getDb();
  const doc = await getDocumentById(db, ctx.workspaceId, docId);
  if (!doc || doc.knowledgeBaseId !== kbId) throw documentNotFound();
  if (doc.status !== "failed") {
    throw new AppError("conflict", { en: "Only a failed document can be retried.", zh: "只有处理失败的文档才能重试。" }, 409);
  }
  await updateDocumentStatus(db, docId, { status: "queued", error: null });
  await enqueueDocuments([docId]);
  const fresh = await getDocumentById(db, ctx.workspaceId, docId);
  return Response.json({ document: fresh ? documentView(fresh, ctx.locale) : null }, { status: 202 });
});
