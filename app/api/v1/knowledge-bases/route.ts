import { getDb } from "@/lib/db";
import { createKnowledgeBase, listKnowledgeBases } from "@/lib/db/queries/knowledge-bases";
import { resolveEmbedderChoice, startBackgroundWork } from "@/lib/server/knowledge";
import { parseJson, route } from "@/lib/server/request";
import { createKnowledgeBaseSchema } from "./schema";
import { KEYWORD_VERSION } from "@/lib/text/keywords";

export const dynamic = "force-dynamic";

/** The workspace's knowledge bases with document and chunk counts (the canvas picker reads `knowledgeBases`). */
export const GET = route(async (_req, ctx) => {
  const db = await getDb();
  void startBackgroundWork().catch((error) => console.error("[trellis] ingestion worker", error));
  return Response.json({ knowledgeBases: await listKnowledgeBases(db, ctx.workspaceId) });
});

export const POST = route(async (req, ctx) => {
  const body = await parseJson(req, createKnowledgeBaseSchema);
  const db = await getDb();
  const embedder = await resolveEmbedderChoice(db, ctx.workspaceId, { provider: body.embeddingProvider, model: body.embeddingModel });
  const kb = await createKnowledgeBase(db, ctx.workspaceId, { name: body.name, description: body.description, ...embedder, chunking: body.chunking, retrieval: body.retrieval, keywordVersion: KEYWORD_VERSION });
  return Response.json({ knowledgeBase: { ...kb, documentCount: 0, chunkCount: 0 } }, { status: 201 });
});
