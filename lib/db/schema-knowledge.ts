import { sql, type InferSelectModel } from "drizzle-orm";
import { boolean, check, customType, index, integer, jsonb, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import type { Localized } from "@/lib/i18n/locale";
// ./schema re-exports this module; the cycle is safe because `workspaces` is only read lazily
// (inside the `references` thunk), after both modules have finished loading.
import { workspaces } from "./schema";
import { createdAt, id, updatedAt } from "./columns";

/**
 * Knowledge bases, their documents and the chunks retrieval searches.
 *
 * - `chunks.embedding` is a `vector` without a fixed dimension, so knowledge bases filled by
 *   different embedders share one table. Each dimension gets its own partial HNSW index
 *   (`chunks_embedding_hnsw_<dim>`, created on demand: lib/db/queries/chunk-vectors.ts) over
 *   `embedding::vector(<dim>) WHERE dims = <dim>`.
 * - `chunks.dims` says the chunk is *in* that index. Bulk ingestion inserts chunks with
 *   dims = NULL (no per-row HNSW maintenance, ~10× faster) and a maintenance step folds them
 *   into the index (rebuild or incremental, whichever is cheaper); until then search reads them
 *   with an exact scan, so results never depend on whether the index has caught up.
 * - `chunks.keywords` is `to_tsvector('simple', keywordDocument(text))`: Chinese is segmented in
 *   JavaScript (jieba + bigrams), since neither PGlite nor Debian's PostgreSQL has a Chinese parser.
 *   `chunks.keyword_count` is its token count, BM25's document length; the other BM25 statistics
 *   (chunks and average length per knowledge base, document frequencies) are computed at query
 *   time over the searched knowledge base's visible chunks (lib/db/queries/keyword-search.ts).
 * - `knowledge_bases.content_version` is bumped by every change that affects retrieval; caches
 *   key on it.
 *
 * @example
 * import { chunks, documents, knowledgeBases, type KnowledgeBase } from "@/lib/db/schema";
 */

const inList = (values: readonly string[]) => sql.raw(values.map((v) => `'${v}'`).join(", "));

/** A pgvector `vector` of any dimension, written and read as its text form "[1,2,3]". */
const anyVector = customType<{ data: string; driverData: string }>({ dataType: () => "vector" });
/** A full-text `tsvector`; written through to_tsvector('simple', …) in SQL. */
const tsvector = customType<{ data: string; driverData: string }>({ dataType: () => "tsvector" });

export const documentStatuses = ["queued", "parsing", "embedding", "ready", "failed"] as const;
export type DocumentStatus = (typeof documentStatuses)[number];
/** Documents a worker still owes work: picked up again after a crash or restart. */
export const pendingDocumentStatuses = ["queued", "parsing", "embedding"] as const satisfies readonly DocumentStatus[];

export const retrievalModes = ["hybrid", "vector", "keyword"] as const;
export type RetrievalMode = (typeof retrievalModes)[number];

/** What a knowledge base accepts and how it splits them (lib/rag parses and splits by these). */
export const fileKinds = ["pdf", "docx", "markdown", "html", "text", "csv"] as const;
export type FileKind = (typeof fileKinds)[number];

export interface ChunkingSettings {
  /** "general": chunks are retrieved and given to the LLM. "parent-child": small chunks are
   *  retrieved, their parent paragraph is given to the LLM (as in Dify). */
  mode: "general" | "parent-child";
  /** Target chunk size in characters (child size in parent-child mode). */
  chunkSize: number;
  /** Characters shared by neighbouring chunks. */
  chunkOverlap: number;
  /** Parent size in characters (parent-child mode). */
  parentSize: number;
}

export const defaultChunking: ChunkingSettings = { mode: "general", chunkSize: 300, chunkOverlap: 50, parentSize: 1200 };

/**
 * Reranking of retrieval candidates by a provider's cross-encoder (lib/providers/rerank.ts):
 * the best `topN` fused candidates (default 20, never fewer than top-k) are scored against the
 * query and reordered. A stored provider id; `model` empty = the provider's default reranker.
 */
export interface RerankSettings {
  provider: string;
  model?: string;
  topN?: number;
}

/** Candidates reranked when `RerankSettings.topN` is not set. */
export const DEFAULT_RERANK_CANDIDATES = 20;

/** What a retriever uses when a request does not say otherwise. */
export interface RetrievalDefaults {
  mode: RetrievalMode;
  topK: number;
  /** 0..1 on the fused scale (see lib/rag/fusion.ts); 0 = no threshold. */
  scoreThreshold: number;
  /** Fusion weights chosen for this knowledge base; absent = the default for its embedder
   *  (lib/rag/fusion.ts defaultFusionWeights). */
  weights?: { vector: number; keyword: number };
  /** Rerank the candidates before keeping top-k; absent or null = no reranking. When set, the
   *  score threshold applies to the rerank score instead of the fused one. */
  rerank?: RerankSettings | null;
}

export const defaultRetrieval: RetrievalDefaults = { mode: "hybrid", topK: 5, scoreThreshold: 0 };

/** Why a document failed, for the person who uploaded it. */
export interface DocumentError {
  code: string;
  message: Localized;
}

export const knowledgeBases = pgTable(
  "knowledge_bases",
  {
    id: id(),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    description: text("description").notNull().default(""),
    /** Provider id: "default", "offline", "ollama-local" or a stored provider's id. */
    embeddingProvider: text("embedding_provider").notNull().default("default"),
    embeddingModel: text("embedding_model").notNull(),
    /** Set from the first embedding; fixed while documents exist (see reembedKnowledgeBase). */
    dimension: integer("dimension"),
    chunking: jsonb("chunking").$type<ChunkingSettings>().notNull(),
    retrieval: jsonb("retrieval").$type<RetrievalDefaults>().notNull(),
    contentVersion: integer("content_version").notNull().default(1),
    /**
     * The keyword tokenisation (lib/text/keywords.ts KEYWORD_VERSION) its chunks' keywords were
     * made with; older ones are re-tokenised in the background when a worker starts.
     */
    keywordVersion: integer("keyword_version").notNull().default(0),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("knowledge_bases_workspace_idx").on(t.workspaceId, t.updatedAt.desc())],
);

export const documents = pgTable(
  "documents",
  {
    id: id(),
    knowledgeBaseId: text("knowledge_base_id")
      .notNull()
      .references(() => knowledgeBases.id, { onDelete: "cascade" }),
    workspaceId: text("workspace_id").notNull(),
    /** Display only: never part of a file path (C7). */
    name: text("name").notNull(),
    kind: text("kind").$type<FileKind>(),
    sizeBytes: integer("size_bytes").notNull(),
    /** sha256 of the bytes, hex: an identical re-upload to the same knowledge base is detected. */
    contentHash: text("content_hash").notNull(),
    /** Server-generated key of the stored bytes (lib/storage/files.ts). */
    storageKey: text("storage_key").notNull(),
    status: text("status").$type<DocumentStatus>().notNull().default("queued"),
    error: jsonb("error").$type<DocumentError>(),
    /** Chunks the splitter produced (0 until split). */
    chunkCount: integer("chunk_count").notNull().default(0),
    chunksEmbedded: integer("chunks_embedded").notNull().default(0),
    tags: text("tags").array().notNull().default(sql`'{}'::text[]`),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("documents_kb_hash_uq").on(t.knowledgeBaseId, t.contentHash),
    index("documents_kb_created_idx").on(t.knowledgeBaseId, t.createdAt),
    index("documents_pending_idx").on(t.status).where(sql`${t.status} in ('queued', 'parsing', 'embedding')`),
    check("documents_status_ck", sql`${t.status} in (${inList(documentStatuses)})`),
  ],
);

export const chunks = pgTable(
  "chunks",
  {
    id: id(),
    knowledgeBaseId: text("knowledge_base_id")
      .notNull()
      .references(() => knowledgeBases.id, { onDelete: "cascade" }),
    documentId: text("document_id")
      .notNull()
      .references(() => documents.id, { onDelete: "cascade" }),
    workspaceId: text("workspace_id").notNull(),
    index: integer("index").notNull(),
    text: text("text").notNull(),
    parentText: text("parent_text"),
    start: integer("start").notNull(),
    page: integer("page"),
    keywords: tsvector("keywords").notNull(),
    /** Tokens in `keywords` (with repeats): the document length of BM25 (lib/text/bm25.ts). */
    keywordCount: integer("keyword_count").notNull().default(0),
    embedding: anyVector("embedding"),
    /** The dimension under which the chunk is in the HNSW index; NULL while it waits for it. */
    dims: integer("dims"),
    enabled: boolean("enabled").notNull().default(true),
    edited: boolean("edited").notNull().default(false),
    metadata: jsonb("metadata").$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("chunks_document_index_uq").on(t.documentId, t.index),
    index("chunks_kb_idx").on(t.knowledgeBaseId),
    index("chunks_keywords_gin").using("gin", t.keywords),
    // The chunks not yet in their HNSW index: search scans them exactly, maintenance folds them in.
    index("chunks_unindexed_idx").on(t.knowledgeBaseId).where(sql`${t.dims} is null and ${t.embedding} is not null`),
  ],
);

export type KnowledgeBase = InferSelectModel<typeof knowledgeBases>;
export type KnowledgeDocument = InferSelectModel<typeof documents>;
export type Chunk = InferSelectModel<typeof chunks>;
