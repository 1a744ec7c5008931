import "server-only";
import type { Db } from "@/lib/db/client";
import { jsonSafe } from "@/lib/db/json";
import { chunkNotFound, getChunkIndexSource, setChunkText, type ChunkView } from "@/lib/db/queries/chunks";
import { claimKnowledgeBaseDimension } from "@/lib/db/queries/knowledge-bases";
import { AppError } from "@/lib/errors";
import type { Embedder } from "@/lib/providers/types";
import { documentSubject, indexedChunkText } from "@/lib/text/chunk-context";
import { chunkKeywords } from "./chunk-keywords";

/**
 * Replaces a chunk's text: keywords are recomputed and the chunk is re-embedded at once with the
 * knowledge base's embedder (passed in), so its new words are findable immediately.
 * @example await updateChunkText(db, embedder, "local", chunkId, "修改后的内容");
 */
export async function updateChunkText(db: Db, embedder: Embedder, workspaceId: string, id: string, text: string): Promise<ChunkView> {
  const source = await getChunkIndexSource(db, workspaceId, id);
  if (!source) throw chunkNotFound();
  const clean = jsonSafe(text).trim();
  if (!clean) {
    throw new AppError("validation", { en: "A chunk cannot be empty; disable or delete it instead.", zh: "分段内容不能为空；如需移除，请停用或删除该分段。" }, 400);
  }
  const indexText = indexedChunkText({ text: clean, heading: source.heading }, documentSubject(source.documentName));
  const [embedding] = await embedder.embed([indexText]);
  const keywords = chunkKeywords(indexText);
  await claimKnowledgeBaseDimension(db, source.knowledgeBaseId, embedding.length);
  return setChunkText(db, workspaceId, id, { knowledgeBaseId: source.knowledgeBaseId, text: clean, keywords, embedding });
}
