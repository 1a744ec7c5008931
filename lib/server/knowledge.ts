import "server-only";
import type { Db } from "@/lib/db";
import { getKnowledgeBaseById, knowledgeBaseNotFound } from "@/lib/db/queries/knowledge-bases";
import type { KnowledgeBase, RerankSettings, RetrievalMode } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import { embedderForKnowledgeBase, getIngestionQueue } from "./ingestion";
import { EmbeddingCache } from "@/lib/rag/embed-cache";
import { retrieve, type RetrieveRequest as RagRetrieveRequest } from "@/lib/rag/retrieve";
import { RetrievalCache } from "@/lib/rag/retrieval-cache";
import { toDocumentChunks, type RetrievedChunk } from "@/lib/rag/search";
import type { RetrieveRequest } from "@/nodes/context";
import type { DocumentChunk } from "@/nodes/ports";
import { createReranker } from "@/lib/providers/rerank";
import { resolveProvider } from "./providers";

/**
 * Server glue of the knowledge bases: the retrieve service nodes call (ctx.retrieve), with the
 * process-wide bounded caches of query embeddings and retrieval results ("seed advice": frequent
 * questions cost nothing; entries are keyed on each knowledge base's content version, so any
 * change to what retrieval sees makes old entries unreachable), the resolution of an
 * embedder choice to a concrete provider, and the start of the background ingestion worker.
 */

/** Query vectors by provider + model + text: model vectors never change, so only bounded. */
export const embeddingCache = new EmbeddingCache(2_000);
/** Retrieval results by request + content versions (+ a 10-minute TTL). */
export const retrievalCache = new RetrievalCache(500);

/**
 * Retrieval as every server path does it — the retriever node, the batch endpoint and the test
 * page share the caches above.
 * @example const hits = await retrieveChunks(db, { workspaceId: "local", knowledgeBaseIds: [kbId], query: "统计调查", topK: 5 });
 */
export function retrieveChunks(db: Db, request: RagRetrieveRequest, signal?: AbortSignal): Promise<RetrievedChunk[]> {
  return retrieve(
    {
      db,
      embedderFor: (kb) => embedderForKnowledgeBase(db, kb),
      rerankerFor: async (settings, workspaceId) => createReranker(await resolveProvider(db, workspaceId, settings.provider), settings.model),
      embeddingCache,
      retrievalCache,
      signal,
    },
    request,
  );
}

/**
 * What `ctx.retrieve` does during a flow run: the node's request scoped to the run's workspace,
 * answered as the `documents` port carries chunks (text for the LLM + provenance for citations).
 * @example services.retrieve = (req) => retrieveForRun(db, workspaceId, req);
 */
export async function retrieveForRun(db: Db, workspaceId: string, req: RetrieveRequest): Promise<DocumentChunk[]> {
  const { signal, filter, ...rest } = req;
  const hits = await retrieveChunks(db, { workspaceId, ...rest, filter: activeFilter(filter) }, signal);
  return toDocumentChunks(hits);
}

/**
 * A knowledge base's embedder choice made concrete: "default" becomes the provider it resolves
 * to right now (the workspace default, else "ollama-local" when Ollama answers, else "offline"),
 * and a missing model becomes that provider's embedding model. Stored concretely so the vectors
 * of one knowledge base always come from one model, whatever the default becomes later.
 * @example await resolveEmbedderChoice(db, "local", { provider: "default" }) // { embeddingProvider: "offline", embeddingModel: "offline-hash-embedder" }
 */
export async function resolveEmbedderChoice(
  db: Db,
  workspaceId: string,
  choice: { provider?: string; model?: string },
): Promise<{ embeddingProvider: string; embeddingModel: string }> {
  const config = await resolveProvider(db, workspaceId, choice.provider?.trim() || "default");
  const model = choice.model?.trim() || config.embeddingModel;
  if (!model) {
    throw new AppError(
      "no_embedding_model",
      {
        en: `The provider “${config.name}” has no embedding model configured. Name one, or choose another provider.`,
        zh: `模型服务“${config.name}”没有配置向量模型。请指定一个，或选择其他模型服务。`,
      },
      400,
    );
  }
  return { embeddingProvider: config.id, embeddingModel: model };
}

/**
 * A knowledge base of the workspace, or a 404 AppError in both languages.
 * @example const kb = await requireKnowledgeBase(db, ctx.workspaceId, params.id);
 */
export async function requireKnowledgeBase(db: Db, workspaceId: string, id: string): Promise<KnowledgeBase> {
  const kb = await getKnowledgeBaseById(db, workspaceId, id);
  if (!kb) throw knowledgeBaseNotFound();
  return kb;
}

const globalForKnowledge = globalThis as typeof globalThis & { __trellisBackgroundWork?: Promise<void> };

/**
 * Starts the ingestion worker once per process — which first resumes every document a previous
 * process left queued, parsing or embedding. Idempotent and safe to call on every request; a
 * failed start is retried by the next call. The knowledge-base routes call it on first use;
 * instrumentation.ts should call it at server start so ingestion resumes without a visit.
 * @example await startBackgroundWork();
 */
export function startBackgroundWork(): Promise<void> {
  globalForKnowledge.__trellisBackgroundWork ??= getIngestionQueue()
    .then((queue) => queue.startIngestionWorker())
    .catch((error: unknown) => {
      globalForKnowledge.__trellisBackgroundWork = undefined;
      throw error;
    });
  return globalForKnowledge.__trellisBackgroundWork;
}

/**
 * Queues documents for ingestion (after starting the worker if needed).
 * @example await enqueueDocuments([doc.id]);
 */
export async function enqueueDocuments(ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await startBackgroundWork();
  const queue = await getIngestionQueue();
  for (const id of ids) await queue.enqueueIngestion(id);
}

/** A retrieved chunk as the API returns it (no internal fields beyond what the UI shows). */
export type RetrievalHit = Omit<RetrievedChunk, "index" | "metadata"> & {
  /** The chunk's index in its document. */
  position: number;
};

/** Metadata filters of retrieval: documents by id, and documents carrying any of the tags. */
export type RetrievalFilter = { documentIds?: string[]; tags?: string[] };

/**
 * The filter as search wants it: absent when it restricts nothing (no ids and no tags), so an
 * unfiltered request shares its cache entry with the same request sent without a filter. An
 * empty `documentIds` list stays: it matches no document.
 * @example activeFilter({ tags: [] }) // undefined
 */
export function activeFilter(filter: RetrievalFilter | undefined): RetrievalFilter | undefined {
  if (!filter) return undefined;
  const tags = filter.tags?.length ? [...new Set(filter.tags)] : undefined;
  const documentIds = filter.documentIds ? [...new Set(filter.documentIds)] : undefined;
  return tags || documentIds ? { ...(documentIds ? { documentIds } : {}), ...(tags ? { tags } : {}) } : undefined;
}

/**
 * Runs several queries against one knowledge base in parallel (the batch retrieval endpoint).
 * Defaults come from the knowledge base's retrieval settings.
 * @example const results = await retrieveBatch(db, kb, { queries: ["统计调查", "OSCAL"], topK: 3 });
 */
export async function retrieveBatch(
  db: Db,
  kb: KnowledgeBase,
  body: {
    queries: string[];
    topK?: number;
    mode?: RetrievalMode;
    scoreThreshold?: number;
    weights?: { vector: number; keyword: number };
    /** Overrides the knowledge base's rerank setting; null turns reranking off. */
    rerank?: RerankSettings | null;
    filter?: RetrievalFilter;
  },
  signal?: AbortSignal,
): Promise<Array<{ query: string; tookMs: number; chunks: RetrievalHit[] }>> {
  const defaults = kb.retrieval;
  const filter = activeFilter(body.filter);
  return Promise.all(
    body.queries.map(async (query) => {
      const started = performance.now();
      const hits = await retrieveChunks(
        db,
        {
          workspaceId: kb.workspaceId,
          knowledgeBaseIds: [kb.id],
          query,
          topK: body.topK ?? defaults.topK,
          mode: body.mode ?? defaults.mode,
          scoreThreshold: body.scoreThreshold ?? (defaults.scoreThreshold || undefined),
          weights: body.weights ?? defaults.weights,
          rerank: body.rerank !== undefined ? body.rerank : defaults.rerank,
          filter,
        },
        signal,
      );
      return { query, tookMs: Math.round((performance.now() - started) * 10) / 10, chunks: hits.map(toHit) };
    }),
  );
}

function toHit({ index, metadata: _metadata, ...hit }: RetrievedChunk): RetrievalHit {
  return { ...hit, position: index };
}
