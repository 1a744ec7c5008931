import "server-only";
import type { Db } from "@/lib/db/client";
import { vectorIndexExists } from "@/lib/db/queries/chunk-vectors";
import { chunkStates, countDocumentChunks, deleteDocumentChunks, insertChunks, setChunkEmbeddings, type NewChunkRow } from "@/lib/db/queries/chunks";
import { getDocumentForIngestion, markDocumentReady, updateDocumentStatus } from "@/lib/db/queries/documents";
import { claimKnowledgeBaseDimension, getKnowledgeBaseById } from "@/lib/db/queries/knowledge-bases";
import type { DocumentError, DocumentStatus, KnowledgeBase } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import type { Embedder } from "@/lib/providers/types";
import { documentSubject, indexedChunkText } from "@/lib/text/chunk-context";
import { chunkKeywords } from "./chunk-keywords";
import { parseFile } from "@/lib/rag/parse";
import { splitDocument } from "@/lib/rag/split";
import type { ChunkDraft } from "@/lib/rag/types";
import type { FileStore } from "@/lib/storage/files";

/**
 * The ingestion job's handler — the same function runs in the in-process runner (PGlite) and
 * in pg-boss workers (PostgreSQL). parse → split → for each batch of chunk indexes: skip the
 * ones already stored, embed the rest, insert them (ON CONFLICT DO NOTHING) → mark the
 * document ready in one UPDATE that also checks every chunk is there.
 *
 * Resuming is free: a restarted job finds the batches already stored and does not embed them
 * again; chunks are unique by (document, index), so nothing is duplicated; the document stays
 * invisible to retrieval until the final UPDATE.
 */

export interface IngestDeps {
  db: Db;
  files: FileStore;
  /** The embedder, or how to get the one a knowledge base was configured with. */
  embedder: Embedder | ((kb: KnowledgeBase) => Embedder | Promise<Embedder>);
  signal?: AbortSignal;
  /** Chunks embedded and inserted per statement (default 128). */
  batchSize?: number;
  /** Per-file size limit passed to the parser. */
  maxBytes?: number;
  /** After every stored batch: for logs, and the kill test's progress lines. */
  onProgress?(progress: { documentId: string; chunksEmbedded: number; chunkCount: number }): void;
  /** Queue with retries: transient failures (model server or database down) are rethrown for
   *  a retry instead of failing the document. */
  retryTransient?: boolean;
}

export interface IngestResult {
  documentId: string;
  status: DocumentStatus | "missing";
  chunkCount: number;
  /** Chunks embedded by this call (0 when everything was already done). */
  embeddedNow: number;
  error?: DocumentError;
}

const TRANSIENT = new Set(["PROVIDER_UNREACHABLE", "PROVIDER_TIMEOUT", "PROVIDER_STREAM_BROKEN"]);

/** Whether an error may pass on its own (worth a retry), rather than being the file's fault. */
export function isTransientError(error: unknown): boolean {
  if (!(error instanceof AppError)) return false;
  return TRANSIENT.has(error.code) || (error.code === "internal:database" && error.status >= 503);
}

function documentError(error: unknown): DocumentError {
  if (error instanceof AppError) return { code: error.code, message: error.localized };
  const detail = error instanceof Error ? error.message : String(error);
  return {
    code: "INGEST_FAILED",
    message: { en: `Processing this document failed: ${detail}`, zh: `处理该文档时出错：${detail}` },
  };
}

/**
 * Ingests (or resumes ingesting) one document. Failures of this document (bad file, model
 * error) mark it failed with a bilingual error and resolve; an abort rethrows and leaves the
 * document pending, to be resumed.
 * @example const result = await ingestDocument({ db, files, embedder: createEmbedder(offlineProvider) }, documentId);
 */
export async function ingestDocument(deps: IngestDeps, documentId: string): Promise<IngestResult> {
  const doc = await getDocumentForIngestion(deps.db, documentId);
  if (!doc) return { documentId, status: "missing", chunkCount: 0, embeddedNow: 0 };
  if (doc.status === "ready" || doc.status === "failed") return { documentId, status: doc.status, chunkCount: doc.chunkCount, embeddedNow: 0 };
  const kb = await getKnowledgeBaseById(deps.db, doc.workspaceId, doc.knowledgeBaseId);
  if (!kb) return { documentId, status: "missing", chunkCount: 0, embeddedNow: 0 };
  let embeddedNow = 0;
  try {
    const embedder = typeof deps.embedder === "function" ? await deps.embedder(kb) : deps.embedder;
    const counts = await countDocumentChunks(deps.db, documentId);
    let drafts: ChunkDraft[] | null = null;
    let total = doc.chunkCount;
    if (!(total > 0 && counts.stored >= total)) {
      await updateDocumentStatus(deps.db, documentId, { status: "parsing", error: null });
      const bytes = await deps.files.get(doc.storageKey);
      const parsed = await parseFile(bytes, { filename: doc.name, maxBytes: deps.maxBytes, signal: deps.signal });
      drafts = splitDocument(parsed, kb.chunking);
      if (drafts.length === 0) {
        throw new AppError("FILE_NO_TEXT", { en: "No text was found in this file.", zh: "该文件中没有找到文字内容。" }, 400);
      }
      if (counts.stored > 0 && total > 0 && drafts.length !== total) {
        // The chunking settings changed since the first attempt: start this document over.
        await deleteDocumentChunks(deps.db, documentId);
        counts.stored = counts.embedded = 0;
      }
      total = drafts.length;
      await updateDocumentStatus(deps.db, documentId, { status: "embedding", chunkCount: total, chunksEmbedded: counts.embedded, kind: parsed.kind });
    } else {
      await updateDocumentStatus(deps.db, documentId, { status: "embedding", error: null });
    }

    const subject = documentSubject(doc.name);
    const batch = Math.max(1, deps.batchSize ?? 128);
    const end = drafts ? drafts.length : counts.maxIndex + 1;
    // One job per document runs at a time (queue dedupe), so what is stored is read once.
    const stored = new Map((await chunkStates(deps.db, documentId, 0, end)).map((s) => [s.index, s]));
    let embedded = counts.embedded;
    // Embedding batch n+1 overlaps writing batch n (PostgreSQL works on its own core meanwhile).
    let writing: Promise<void> | undefined;
    let indexDims: number | null | undefined;
    try {
      for (let from = 0; from < end; from += batch) {
        deps.signal?.throwIfAborted();
        const to = Math.min(end, from + batch);
        const fresh = drafts ? drafts.slice(from, to).filter((d) => !stored.has(d.index)) : [];
        const stale: StoredChunk[] = [];
        for (let i = from; i < to; i++) {
          const s = stored.get(i);
          if (s && !s.embedded) stale.push(s);
        }
        // Embedded (and keyword-indexed) with the document's name and section heading.
        const texts = [...fresh, ...stale].map((c) => indexedChunkText(c, subject));
        if (texts.length === 0) continue;
        const vectors = await embedder.embed(texts, deps.signal);
        checkVectors(vectors, texts.length, kb.dimension ?? vectors[0]?.length);
        if (kb.dimension === null) {
          await claimKnowledgeBaseDimension(deps.db, kb.id, vectors[0].length);
          kb.dimension = vectors[0].length;
        }
        // Asked once per document: see lib/db/queries/chunk-vectors.ts for why.
        indexDims ??= (await vectorIndexExists(deps.db, kb.dimension)) ? null : kb.dimension;
        await writing;
        embedded += texts.length;
        embeddedNow += texts.length;
        const owner = { knowledgeBaseId: kb.id, documentId, workspaceId: doc.workspaceId, dims: indexDims };
        writing = writeBatch(deps, owner, { fresh, stale, indexTexts: texts, vectors }, Math.min(embedded, total), total);
      }
      await writing;
    } catch (error) {
      await writing?.catch(() => undefined);
      throw error;
    }
    await markDocumentReady(deps.db, documentId, kb.id);
    return { documentId, status: "ready", chunkCount: total, embeddedNow };
  } catch (error) {
    if (deps.signal?.aborted) throw error;
    if (deps.retryTransient && isTransientError(error)) throw error;
    const failure = documentError(error);
    await updateDocumentStatus(deps.db, documentId, { status: "failed", error: failure });
    return { documentId, status: "failed", chunkCount: doc.chunkCount, embeddedNow, error: failure };
  }
}

type StoredChunk = Awaited<ReturnType<typeof chunkStates>>[number];

async function writeBatch(
  deps: IngestDeps,
  owner: { knowledgeBaseId: string; documentId: string; workspaceId: string; dims: number | null },
  /** New chunks then stored ones to re-embed; indexTexts and vectors follow the same order. */
  batch: { fresh: ChunkDraft[]; stale: StoredChunk[]; indexTexts: string[]; vectors: number[][] },
  chunksEmbedded: number,
  chunkCount: number,
): Promise<void> {
  const { fresh, stale, indexTexts, vectors } = batch;
  const rows: NewChunkRow[] = fresh.map((d, i) => ({
    index: d.index,
    text: d.text,
    start: d.start,
    parentText: d.parentText ?? null,
    page: d.page ?? null,
    embedding: vectors[i],
    metadata: d.heading ? { heading: d.heading } : {},
    keywords: chunkKeywords(indexTexts[i]),
  }));
  await insertChunks(deps.db, owner, rows, owner.dims);
  const refreshed = stale.map((s, i) => ({ id: s.id, embedding: vectors[fresh.length + i], keywords: chunkKeywords(indexTexts[fresh.length + i]) }));
  await setChunkEmbeddings(deps.db, refreshed);
  await updateDocumentStatus(deps.db, owner.documentId, { chunksEmbedded });
  deps.onProgress?.({ documentId: owner.documentId, chunksEmbedded, chunkCount });
}

function checkVectors(vectors: number[][], expected: number, dimension: number | undefined): void {
  if (vectors.length !== expected) {
    throw new AppError(
      "EMBEDDING_INVALID",
      {
        en: `The embedding model returned ${vectors.length} vectors for ${expected} texts.`,
        zh: `向量模型为 ${expected} 段文本返回了 ${vectors.length} 个向量。`,
      },
      502,
    );
  }
  const odd = vectors.find((v) => v.length !== dimension);
  if (odd) {
    throw new AppError(
      "EMBEDDING_DIMENSION_MISMATCH",
      {
        en: `The embedding model returned vectors of ${odd.length} dimensions, but this knowledge base holds vectors of ${dimension}. The model behind the provider has changed: use “Re-embed” to embed every document with the new model.`,
        zh: `向量模型返回了 ${odd.length} 维的向量，但该知识库中的向量为 ${dimension} 维。模型服务背后的模型已更换：请使用“重新向量化”用新模型重新处理全部文档。`,
      },
      409,
      { expected: dimension, received: odd.length },
    );
  }
}
