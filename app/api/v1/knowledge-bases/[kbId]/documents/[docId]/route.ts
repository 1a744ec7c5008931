import { getDb } from "@/lib/db";
import { deleteDocument, documentNotFound, getDocumentById } from "@/lib/db/queries/documents";
import { appFileStore } from "@/lib/jobs";
import { route } from "@/lib/server/request";
import { documentView } from "../../../schema";

export const dynamic = "force-dynamic";

type Params = { kbId: string; docId: string };

export const GET = route<Params>(async (_req, ctx, { kbId, docId }) => {
  const doc = await getDocumentById(await getDb(), ctx.workspaceId, docId);
  if (!doc || doc.knowledgeBaseId !== kbId) throw documentNotFound();
  return Response.json({ document: documentView(doc, ctx.locale) });
});

export const DELETE = route<Params>(async (_req, ctx, { kbId, docId }) => {
  const db = await getDb();
  const doc = await getDocumentById(db, ctx.workspaceId, docId);
  if (!doc || doc.knowledgeBaseId !== kbId) throw documentNotFound();
  await deleteDocument(db, appFileStore(), ctx.workspaceId, docId);
  return new Response(null, { status: 204 });
});
