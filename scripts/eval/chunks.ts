/**
 * The chunks the product stores for an eval set, computed in memory: passages sharing a title
 * joined into one document named after it, parsed and split with the default settings, each
 * chunk mapped to the passage where it starts (what scripts/eval/variants.ts and the reranker's
 * training read).
 */
import { documentSubject, indexedChunkText } from "@/lib/text/chunk-context";
import { parseFile } from "@/lib/rag/parse";
import { splitDocument } from "@/lib/rag/split";
import { normalizeText } from "@/lib/text/text-normalize";
import { defaultChunking } from "@/lib/db/schema";
import { groupIntoDocuments, passageAt, readEvalSet, relocatePassages, type EvalQuery } from "./corpus";

export interface StoredChunk {
  /** What is shown and cited (the parent passage in parent–child mode). */
  text: string;
  /** The chunk's own text. */
  chunkText: string;
  /** What the product indexes: the chunk with its document's subject (lib/text/chunk-context.ts). */
  indexText: string;
  subject: string;
  passageId: string | undefined;
  documentId: string;
  position: number;
  metadata: { start: number };
}

/**
 * The eval set's queries and the chunks its corpus is stored as.
 * @example const { queries, chunks } = await storedChunks("/work/shared/eval/cmrc2018_trial_zh");
 */
export async function storedChunks(dir: string, options: { withSubject?: boolean } = {}): Promise<{ queries: EvalQuery[]; chunks: StoredChunk[] }> {
  const set = await readEvalSet(dir);
  const originals = new Map(set.passages.map((p) => [p.id, p.text]));
  const chunks: StoredChunk[] = [];
  for (const doc of groupIntoDocuments(set.passages)) {
    const parsed = await parseFile(new TextEncoder().encode(doc.text), { filename: doc.name });
    const passages = relocatePassages(doc, parsed.text, (s) => normalizeText(s), originals);
    const subject = documentSubject(doc.name);
    for (const draft of splitDocument(parsed, defaultChunking)) {
      chunks.push({
        text: draft.parentText ?? draft.text,
        chunkText: draft.text,
        indexText: indexedChunkText(draft, options.withSubject === false ? "" : subject),
        subject,
        passageId: passageAt(passages, draft.start),
        documentId: doc.name,
        position: draft.index,
        metadata: { start: draft.start },
      });
    }
  }
  return { queries: set.queries, chunks };
}
