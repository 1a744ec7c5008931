import type { Db } from "@/lib/db/client";
import { keywordSourcesPage, markKeywordsCurrent, mergeKeywordIndexPending, rewriteChunkKeywords, staleKeywordKnowledgeBases } from "@/lib/db/queries/keyword-refresh";
import { documentSubject, indexedChunkText } from "@/lib/text/chunk-context";
import { KEYWORD_VERSION } from "@/lib/text/keywords";
import { chunkKeywords } from "./chunk-keywords";

const PAGE = 500;

/**
 * Re-tokenises the stored keywords of every knowledge base made by an older tokenisation
 * (KEYWORD_VERSION), from the chunks' stored text, heading and document name, exactly as
 * ingestion would now. No embedding is recomputed. Runs in the background when an ingestion
 * worker starts; searches meanwhile read old and new keywords side by side. Idempotent: two
 * workers doing it at once write the same keywords.
 * @example const { knowledgeBases, chunks } = await refreshKeywordIndex(db);
 */
export async function refreshKeywordIndex(db: Db, opts: { signal?: AbortSignal } = {}): Promise<{ knowledgeBases: number; chunks: number }> {
  let chunks = 0;
  const stale = await staleKeywordKnowledgeBases(db, KEYWORD_VERSION);
  for (const knowledgeBaseId of stale) {
    let after = "";
    for (;;) {
      opts.signal?.throwIfAborted();
      const page = await keywordSourcesPage(db, knowledgeBaseId, after, PAGE);
      if (page.length === 0) break;
      chunks += await rewriteChunkKeywords(
        db,
        page.map((c) => ({ id: c.id, text: c.text, keywords: chunkKeywords(indexedChunkText(c, documentSubject(c.documentName))) })),
      );
      after = page[page.length - 1].id;
    }
    await markKeywordsCurrent(db, knowledgeBaseId, KEYWORD_VERSION);
  }
  if (chunks > 0) await mergeKeywordIndexPending(db);
  return { knowledgeBases: stale.length, chunks };
}

/**
 * refreshKeywordIndex for a worker's start: logs what it did, and a failure (the next start
 * tries again) instead of throwing. Stops between pages when `signal` aborts.
 * @example const refreshing = refreshKeywordsInBackground(db, controller.signal);
 */
export function refreshKeywordsInBackground(db: Db, signal: AbortSignal): Promise<void> {
  return refreshKeywordIndex(db, { signal }).then(
    ({ knowledgeBases, chunks }) => {
      if (chunks > 0) console.info(`[jobs] keywords re-tokenised (version ${KEYWORD_VERSION}): ${chunks} chunks in ${knowledgeBases} knowledge bases`);
    },
    (error: unknown) => {
      if (!signal.aborted) console.error(`[jobs] keyword refresh failed, retried at the next start: ${String(error)}`);
    },
  );
}
