import { getDb } from "@/lib/db";
import { chunkNotFound, deleteChunk, getChunkById, setChunkEnabled } from "@/lib/db/queries/chunks";
import { updateChunkText } from "@/lib/rag/chunk-edit";
import { embedderForKnowledgeBase } from "@/lib/server/ingestion";
import { requireKnowledgeBase } from "@/lib/server/knowledge";
import { parseJson, route } from "@/lib/server/request";
import { updateChunkSchema } from "../../../schema";

export const dynamic = "force-dynamic";

type Params = { kbId: string; chunkId: string };

/** `{ text }` replaces the text and re-embeds the chunk at once; `{ enabled }` hides or shows it. */
export const PATCH = route<Params>(async (req, ctx, { kbId, chunkId }) => {
  const body = await parseJson(req, updateChunkSchema);
  const db = await getDb();
  const kb = await requireKnowledgeBase(db, ctx.workspaceId, kbId);
  const chunk = await getChunkById(db, ctx.workspaceId, chunkId);
  if (!chunk || chunk.knowledgeBaseId !== kbId) throw chunkNotFound();
  if (body.text !== undefined) await updateChunkText(db, await embedderForKnowledgeBase(db, kb), ctx.workspaceId, chunkId, body.text);
  if (body.enabled !== undefined) await setChunkEnabled(db, ctx.workspaceId, chunkId, body.enabled);
  return Response.json({ chunk: await getChunkById(db, ctx.workspaceId, chunkId) });
});

export const DELETE = route<Params>(async (_req, ctx, { kbId, chunkId }) => {
  const db = await getDb();
  const chunk = await getChunkById(db, ctx.workspaceId, chunkId);
  if (!chunk || chunk.knowledgeBaseId !== kbId) throw chunkNotFound();
  await deleteChunk(db, ctx.workspaceId, chunkId);
  return new Response(null, { status: 204 });
});
