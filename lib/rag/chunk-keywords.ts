import { jsonSafe } from "@/lib/db/json";
import { keywordTokens } from "@/lib/text/keywords";

/**
 * The keyword tokens stored for a chunk, made from its indexed text (lib/text/chunk-context.ts)
 * as it will be stored: ingestion, edits and the keyword refresh all call this one function, so
 * a chunk's keywords never depend on which of them wrote it last.
 * @example await setChunkEmbeddings(db, [{ id, embedding, keywords: chunkKeywords("文档名\n分段内容") }]);
 */
export function chunkKeywords(indexText: string): string[] {
  return keywordTokens(jsonSafe(indexText));
}
