import { getDb } from "@/lib/db";
import { reembedKnowledgeBase } from "@/lib/db/queries/knowledge-bases";
import { enqueueDocuments, resolveEmbedderChoice } from "@/lib/server/knowledge";
import { parseJson, route } from "@/lib/server/request";
import { reembedSchema } from "../../schema";

export const dynamic = "force-dynamic";

/** Embeds every document again (optionally with another embedder); chunk texts and edits are kept. */
export const POST = route<{ kbId: string }>(async (req, ctx, { kbId }) => {
  // The body is optional: no content type means "same embedder again".
  const body = req.headers.get("content-type") === null ? {} : await parseJson(req, reembedSchema);
  const db = await getDb();
  const embedder =
    body.embeddingProvider !== undefined || body.embeddingModel !== undefined
      ? await resolveEmbedderChoice(db, ctx.workspaceId, { provider: body.embeddingProvider, model: body.embeddingModel })
      : {};
  const ids = await reembedKnowledgeBase(db, ctx.workspaceId, kbId, embedder);
  await enqueueDocuments(ids);
  return Response.json({ queued: ids.length }, { status: 202 });
});
