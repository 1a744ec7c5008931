import { getDb } from "@/lib/db";
import { deleteDocument, documentNotFound, getDocumentById, updateDocumentTags } from "@/lib/db/queries/documents";
import { appFileStore } from "@/lib/server/ingestion";
import { parseJson, route } from "@/lib/server/request";
import { documentView, updateDocumentSchema } from "../../../schema";

export const dynamic = "force-dynamic";

type Params = { kbId: string; docId: string };

export const GET = route<Params>(async (_req, ctx, { kbId, docId }) => {
  const doc = await getDocumentById(await getDb(), ctx.workspaceId, docId);
  if (!doc || doc.knowledgeBaseId !== kbId) throw documentNotFound();
  return Response.json({ document: documentView(doc, ctx.locale) });
});

/** Replaces the document's tags (trimmed, deduplicated, at most 20); cached retrievals go stale. */
export const PATCH = route<Params>(async (req, ctx, { kbId, docId }) => {
  const body = await parseJson(req, updateDocumentSchema);
  const db = await getDb();
  const doc = await getDocumentById(db, ctx.workspaceId, docId);
  if (!doc || doc.knowledgeBaseId !== kbId) throw documentNotFound();
  await updateDocumentTags(db, ctx.workspaceId, docId, body.tags);
  const updated = await getDocumentById(db, ctx.workspaceId, docId);
  if (!updated) throw documentNotFound();
  return Response.json({ document: documentView(updated, ctx.locale) });
});

export const DELETE = route<Params>(async (_req, ctx, { kbId, docId }) => {
  const db = await getDb();
  const doc = await getDocumentById(db, ctx.workspaceId, docId);
  if (!doc || doc.knowledgeBaseId !== kbId) throw documentNotFound();
  await deleteDocument(db, appFileStore(), ctx.workspaceId, docId);
  return new Response(null, { status: 204 });
});
