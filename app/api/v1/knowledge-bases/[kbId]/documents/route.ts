import { getDb } from "@/lib/db";
import { listDocuments } from "@/lib/db/queries/documents";
import { requireKnowledgeBase, startBackgroundWork } from "@/lib/server/knowledge";
import { formFiles, readMultipart, tagsField, uploadFiles } from "@/lib/server/knowledge-upload";
import { route } from "@/lib/server/request";
import { documentView } from "../../schema";

export const dynamic = "force-dynamic";

type Params = { kbId: string };

/** Documents with status, progress and errors in the caller's language (polled by the UI). */
export const GET = route<Params>(async (_req, ctx, { kbId }) => {
  const db = await getDb();
  await requireKnowledgeBase(db, ctx.workspaceId, kbId);
  void startBackgroundWork().catch((error) => console.error("[trellis] ingestion worker", error));
  const docs = await listDocuments(db, ctx.workspaceId, kbId);
  return Response.json({ documents: docs.map((d) => documentView(d, ctx.locale)) });
});

/**
 * multipart/form-data only (C8); answers at once (202) with one result per file, then ingests in
 * the background. An optional text field `tags` (JSON array or comma-separated) tags the batch.
 * 413 when every file is over TRELLIS_MAX_UPLOAD_MB, or the request over twice that (plus 1 MB).
 */
export const POST = route<Params>(async (req, ctx, { kbId }) => {
  const form = await readMultipart(req);
  const tags = tagsField(form);
  const db = await getDb();
  await requireKnowledgeBase(db, ctx.workspaceId, kbId);
  const results = await uploadFiles(db, ctx.workspaceId, kbId, formFiles(form), ctx.locale, { tags });
  // Nothing accepted because every file is over the size limit: the request itself is too large.
  const tooLarge = results.every((r) => r.status === "error" && r.error.code === "FILE_TOO_LARGE");
  if (tooLarge && results[0]?.status === "error") return Response.json({ error: results[0].error, results }, { status: 413 });
  return Response.json({ results }, { status: 202 });
});
