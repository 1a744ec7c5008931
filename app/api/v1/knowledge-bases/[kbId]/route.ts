import { getDb } from "@/lib/db";
import { deleteKnowledgeBase, knowledgeBaseNotFound, listKnowledgeBases, updateKnowledgeBase } from "@/lib/db/queries/knowledge-bases";
import { appFileStore } from "@/lib/server/ingestion";
import { createReranker } from "@/lib/providers/rerank";
import { resolveProvider } from "@/lib/server/providers";
import { knowledgeBaseUsers } from "@/lib/server/flow-graph";
import { resolveEmbedderChoice } from "@/lib/server/knowledge";
import { AppError } from "@/lib/errors";
import { parseJson, route } from "@/lib/server/request";
import { updateKnowledgeBaseSchema } from "../schema";

export const dynamic = "force-dynamic";

type Params = { kbId: string };

/** The knowledge base, with `usedBy`: the flows that search it (what deleting it would break). */
export const GET = route<Params>(async (_req, ctx, { kbId }) => {
  const db = await getDb();
  const kb = (await listKnowledgeBases(db, ctx.workspaceId)).find((k) => k.id === kbId);
  if (!kb) throw knowledgeBaseNotFound();
  return Response.json({ knowledgeBase: kb, usedBy: await knowledgeBaseUsers(db, ctx.workspaceId, kbId) });
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

/**
 * Deletes the knowledge base with its documents. While flows still search it, the answer is 409
 * `knowledge_base_in_use` with `details.usedBy` (their names) and nothing is deleted, unless the
 * caller confirms with `?confirm=true` — those flows then report it in their checklist and refuse to run.
 */
export const DELETE = route<Params>(async (req, ctx, { kbId }) => {
  const db = await getDb();
  if (new URL(req.url).searchParams.get("confirm") !== "true") {
    const usedBy = await knowledgeBaseUsers(db, ctx.workspaceId, kbId);
    if (usedBy.length) {
      const names = usedBy.map((u) => u.name);
      throw new AppError(
        "knowledge_base_in_use",
        {
          en: `This knowledge base is used by ${names.map((n) => `"${n}"`).join(", ")}. Delete with ?confirm=true to delete it anyway.`,
          zh: `该知识库正被${names.map((n) => `“${n}”`).join("、")}使用。如仍要删除，请加上 ?confirm=true。`,
        },
        409,
        { usedBy },
      );
    }
  }
  if (!(await deleteKnowledgeBase(db, appFileStore(), ctx.workspaceId, kbId))) throw knowledgeBaseNotFound();
  return new Response(null, { status: 204 });
});
