import { getDb } from "@/lib/db";
import { listChunks } from "@/lib/db/queries/chunks";
import { requireKnowledgeBase } from "@/lib/server/knowledge";
import { route } from "@/lib/server/request";
import { listChunksQuery } from "../../schema";

export const dynamic = "force-dynamic";

/** A page of chunks of the knowledge base or one document, optionally filtered by a text fragment. */
export const GET = route<{ kbId: string }>(async (req, ctx, { kbId }) => {
  const db = await getDb();
  await requireKnowledgeBase(db, ctx.workspaceId, kbId);
  const query = listChunksQuery.parse(Object.fromEntries(new URL(req.url).searchParams));
  const page = await listChunks(db, ctx.workspaceId, { knowledgeBaseId: kbId, documentId: query.documentId || undefined, search: query.search, offset: query.offset, limit: query.limit });
  return Response.json({ chunks: page.items, total: page.total, offset: query.offset, limit: query.limit });
});
