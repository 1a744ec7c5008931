import { z } from "zod";
import type { DocumentWithProgress } from "@/lib/db/queries/documents";
import { documentTagsSchema } from "@/lib/document-tags";
import type { Locale } from "@/lib/i18n/locale";
import { chunkingSettingsSchema } from "@/lib/rag/split";

/** Request bodies of /api/v1/knowledge-bases/** and the document shape the API returns. */

const weights = z.object({ vector: z.number().min(0).max(10), keyword: z.number().min(0).max(10) });
const mode = z.enum(["hybrid", "vector", "keyword"]);

/** A provider id (its reranker), an optional model and how many candidates to rerank; null = off. */
const rerank = z
  .object({ provider: z.string().trim().min(1).max(100), model: z.string().trim().max(200).optional(), topN: z.number().int().min(1).max(100).optional() })
  .nullable();

const retrievalDefaults = z.object({ mode, topK: z.number().int().min(1).max(50), scoreThreshold: z.number().min(0).max(1), weights, rerank }).partial();

export const createKnowledgeBaseSchema = z.object({
  name: z.string().trim().min(1).max(120),
  description: z.string().max(2000).optional(),
  /** A provider id, or "default" (resolved now to a concrete provider so vectors stay comparable). */
  embeddingProvider: z.string().trim().max(100).optional(),
  embeddingModel: z.string().trim().max(200).optional(),
  chunking: chunkingSettingsSchema.optional(),
  retrieval: retrievalDefaults.optional(),
});

export const updateKnowledgeBaseSchema = z.object({
  name: z.string().trim().min(1).max(120).optional(),
  description: z.string().max(2000).optional(),
  embeddingProvider: z.string().trim().max(100).optional(),
  embeddingModel: z.string().trim().max(200).optional(),
  chunking: chunkingSettingsSchema.optional(),
  retrieval: retrievalDefaults.optional(),
});

export const reembedSchema = z.object({
  embeddingProvider: z.string().trim().max(100).optional(),
  embeddingModel: z.string().trim().max(200).optional(),
});

export const updateChunkSchema = z
  .object({ text: z.string().max(20_000).optional(), enabled: z.boolean().optional() })
  .refine((b) => b.text !== undefined || b.enabled !== undefined, { message: "Send text or enabled / 请提供 text 或 enabled" });

export const listChunksQuery = z.object({
  documentId: z.string().max(100).optional(),
  search: z.string().max(200).optional(),
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(200).default(20),
});

/** PATCH …/documents/:docId — the document's tags, replaced as a whole. */
export const updateDocumentSchema = z.object({ tags: documentTagsSchema });

/**
 * Batch retrieval. `filter` narrows the chunks to documents by id and/or to documents carrying
 * any of the tags (both given: both apply); an empty `documentIds` list matches no document,
 * an empty `tags` list filters nothing.
 */
export const retrieveSchema = z.object({
  queries: z.array(z.string().trim().min(1).max(2000)).min(1).max(50),
  topK: z.number().int().min(1).max(50).optional(),
  mode: mode.optional(),
  scoreThreshold: z.number().min(0).max(1).optional(),
  weights: weights.optional(),
  /** Overrides the knowledge base's rerank setting; null retrieves without reranking. */
  rerank: rerank.optional(),
  filter: z
    .object({
      documentIds: z.array(z.string().max(100)).max(200).optional(),
      tags: z.array(z.string().max(100)).max(50).optional(),
    })
    .optional(),
});

/**
 * A document as the API returns it: status, progress and the error in the caller's language;
 * the storage key stays on the server.
 * @example Response.json({ documents: docs.map((d) => documentView(d, ctx.locale)) })
 */
export function documentView(doc: DocumentWithProgress, locale: Locale) {
  return {
    id: doc.id,
    knowledgeBaseId: doc.knowledgeBaseId,
    name: doc.name,
    kind: doc.kind,
    sizeBytes: doc.sizeBytes,
    status: doc.status,
    progress: doc.progress,
    chunkCount: doc.chunkCount,
    chunksEmbedded: doc.chunksEmbedded,
    tags: doc.tags,
    error: doc.error ? { code: doc.error.code, message: doc.error.message[locale] } : null,
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
  };
}
