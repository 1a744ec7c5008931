import { getDb } from "@/lib/db";
import { deleteKnowledgeBase, knowledgeBaseNotFound, listKnowledgeBases, updateKnowledgeBase } from "@/lib/db/queries/knowledge-bases";
import { appFileStore } from "@/lib/server/ingestion";
import { createReranker } from "@/lib/providers/rerank";
import { resolveProvider } from "@/lib/server/providers";
import { resolveEmbedderChoice } from "@/lib/server/knowledge";
import { parseJson, route } from "@/lib/server/request";
import { updateKnowledgeBaseSchema } from "../schema";

export const dynamic = "force-dynamic";

type Params = { kbId: string };

export const GET = route<Params>(async (_req, ctx, { kbId }) => {
  const kb = (await listKnowledgeBases(await getDb(), ctx.workspaceId)).find((k) => k.id === kbId);
  if (!kb) throw knowledgeBaseNotFound();
  return Response.json({ knowledgeBase: kb });
});

/**
 * Rename, describe, change chunking/retrieval defaults; changing the embedder once documents exist
 * is a 409 (re-embed instead). A rerank provider must exist and offer rerank (else 400, said now
 * rather than at the first retrieval).
 */
export const PATCH = route<Params>(async (req, ctx, { kbId }) => {
  const body = await parseJson(req, updateKnowledgeBaseSchema);
  const db = await getDb();
  const rerank = body.retrieval?.rerank;
  if (rerank) createReranker(await resolveProvider(db, ctx.workspaceId, rerank.provider), rerank.model);
  const embedder =
    body.embeddingProvider !== undefined || body.embeddingModel !== undefined
      ? await resolveEmbedderChoice(db, ctx.workspaceId, { provider: body.embeddingProvider, model: body.embeddingModel })
      : {};
  const kb = await updateKnowledgeBase(db, ctx.workspaceId, kbId, { name: body.name, description: body.description, chunking: body.chunking, retrieval: body.retrieval, ...embedder });
  return Response.json({ knowledgeBase: kb });
});

export const DELETE = route<Params>(async (_req, ctx, { kbId }) => {
  if (!(await deleteKnowledgeBase(await getDb(), appFileStore(), ctx.workspaceId, kbId))) throw knowledgeBaseNotFound();
  return new Response(null, { status: 204 });
});
