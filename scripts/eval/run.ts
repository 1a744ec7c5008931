import { randomBytes } from "node:crypto";
import type { Db } from "@/lib/db/client";
import { syncAllVectorIndexes } from "@/lib/db/queries/chunk-vectors";
import { createDocument } from "@/lib/db/queries/documents";
import { createKnowledgeBase, deleteKnowledgeBase } from "@/lib/db/queries/knowledge-bases";
import type { KnowledgeBase } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import type { Embedder } from "@/lib/providers/types";
import { ingestDocument } from "@/lib/rag/ingest";
import { KEYWORD_VERSION, warmUpKeywords } from "@/lib/text/keywords";
import { parseFile } from "@/lib/rag/parse";
import { retrieve } from "@/lib/rag/retrieve";
import { toDocumentChunks } from "@/lib/rag/search";
import { normalizeText } from "@/lib/text/text-normalize";
import type { FileStore } from "@/lib/storage/files";
import { groupIntoDocuments, passageAt, relocatePassages, type EvalDocument, type EvalQuery, type Passage } from "./corpus";
import { scoreQuery, summarize, type EvalSummary, type QueryOutcome } from "./metrics";

/**
 * The evaluation's core, shared by `npm run eval:retrieval` and its test: a fresh knowledge
 * base with the default settings, the corpus uploaded and ingested through the product's own
 * pipeline (createDocument → ingestDocument, as many documents at once as the app's worker
 * takes → the index sync a worker runs when its queue drains), timed from a started worker
 * (the segmenter's dictionary loaded, as a worker does when it starts), every question through `retrieve` with the knowledge base's default retrieval
 * settings, then the knowledge base is deleted again.
 */

export interface EvalDeps {
  db: Db;
  files: FileStore;
  /** The embedder of a knowledge base, as the app resolves it (lib/jobs embedderForKnowledgeBase). */
  embedderFor(kb: KnowledgeBase): Embedder | Promise<Embedder>;
  /** Provider id and model the knowledge base is created with. */
  embedding: { provider: string; model: string };
  workspaceId?: string;
  /** Documents ingested at once: the concurrency of the app's worker on this database
   *  (lib/jobs DEFAULT_CONCURRENCY); 1 when not given. */
  concurrency?: number;
  /** Progress lines for a person watching (stderr in the command). */
  log?(line: string): void;
}

export interface EvalOptions {
  /** Characters of context a prompt holds (answer_in_context). */
  budget: number;
}

/**
 * Runs the whole evaluation and returns the summary; the temporary knowledge base is removed
 * even when something fails.
 * @example const summary = await runEvaluation({ db, files, embedderFor, embedding: { provider: "offline", model: OFFLINE_EMBEDDER_MODEL } }, set, { budget: 1500 });
 */
export async function runEvaluation(deps: EvalDeps, set: { passages: Passage[]; queries: EvalQuery[] }, opts: EvalOptions): Promise<EvalSummary> {
  const ws = deps.workspaceId ?? "local";
  const log = deps.log ?? (() => undefined);
  const kb = await createKnowledgeBase(deps.db, ws, {
    name: `eval-retrieval-${randomBytes(4).toString("hex")}`,
    embeddingProvider: deps.embedding.provider,
    embeddingModel: deps.embedding.model,
    keywordVersion: KEYWORD_VERSION,
  });
  try {
    const docs = groupIntoDocuments(set.passages);
    const { chunks, seconds, passagesByDoc } = await ingestCorpus(deps, kb, docs, set.passages, log);
    log(`ingested ${docs.length} documents, ${chunks} chunks in ${seconds.toFixed(2)} s; running ${set.queries.length} queries`);

    const settings = kb.retrieval;
    const outcomes: QueryOutcome[] = [];
    const queryMs: number[] = [];
    const retrieveDeps = { db: deps.db, embedderFor: deps.embedderFor };
    for (const query of set.queries) {
      const started = performance.now();
      const hits = await retrieve(retrieveDeps, {
        workspaceId: ws,
        knowledgeBaseIds: [kb.id],
        query: query.question,
        // 10 ranks for MRR@10; the first topK are the same as with topK alone (same candidates).
        topK: Math.max(settings.topK, 10),
        mode: settings.mode,
        weights: settings.weights,
        scoreThreshold: settings.scoreThreshold || undefined,
      });
      queryMs.push(performance.now() - started);
      // As the retriever node hands them on (its context joins neighbouring chunks).
      const ranked = toDocumentChunks(hits).map((d, i) => ({ ...d, passageId: passageAt(passagesByDoc.get(hits[i].documentId) ?? [], hits[i].start) }));
      outcomes.push(scoreQuery(ranked, query, opts.budget));
    }
    return summarize({ documents: docs.length, chunks, ingestSeconds: seconds, outcomes, queryMs });
  } finally {
    await deleteKnowledgeBase(deps.db, deps.files, ws, kb.id);
  }
}

async function ingestCorpus(
  deps: EvalDeps,
  kb: KnowledgeBase,
  docs: EvalDocument[],
  passages: Passage[],
  log: (line: string) => void,
): Promise<{ chunks: number; seconds: number; passagesByDoc: Map<string, EvalDocument["passages"]> }> {
  const ws = deps.workspaceId ?? "local";
  const encoded = docs.map((d) => new TextEncoder().encode(d.text));
  warmUpKeywords();
  const started = performance.now();
  const ids: string[] = [];
  for (const [i, doc] of docs.entries()) {
    const { document } = await createDocument(deps.db, deps.files, ws, kb.id, { name: doc.name, bytes: encoded[i] });
    ids.push(document.id);
  }
  let chunks = 0;
  let next = 0;
  let done = 0;
  let failed = false;
  const lane = async () => {
    while (next < ids.length && !failed) {
      const i = next++;
      const result = await ingestDocument({ db: deps.db, files: deps.files, embedder: deps.embedderFor }, ids[i]);
      if (result.status !== "ready") {
        failed = true;
        throw new AppError(
          "EVAL_INGEST_FAILED",
          {
            en: `Ingesting “${docs[i].name}” ended as ${result.status}: ${result.error?.message.en ?? "no detail"}`,
            zh: `导入“${docs[i].name}”的结果为 ${result.status}：${result.error?.message.zh ?? "无详细信息"}`,
          },
          500,
        );
      }
      chunks += result.chunkCount;
      if (++done % 50 === 0) log(`  ${done}/${ids.length} documents, ${chunks} chunks`);
    }
  };
  const lanes = Array.from({ length: Math.min(Math.max(deps.concurrency ?? 1, 1), ids.length) }, lane);
  const outcomes = await Promise.allSettled(lanes);
  const failure = outcomes.find((o): o is PromiseRejectedResult => o.status === "rejected");
  if (failure) throw failure.reason;
  await syncAllVectorIndexes(deps.db);
  const seconds = (performance.now() - started) / 1000;

  // Outside the clock: where each passage starts in the text the parser produced.
  const originals = new Map(passages.map((p) => [p.id, p.text]));
  const passagesByDoc = new Map<string, EvalDocument["passages"]>();
  for (const [i, doc] of docs.entries()) {
    const parsed = await parseFile(encoded[i], { filename: doc.name });
    passagesByDoc.set(ids[i], relocatePassages(doc, parsed.text, (s) => normalizeText(s), originals));
  }
  return { chunks, seconds, passagesByDoc };
}
