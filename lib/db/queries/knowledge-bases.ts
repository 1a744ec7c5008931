import "server-only";
import { and, desc, eq, inArray, sql } from "drizzle-orm";
import { AppError } from "@/lib/errors";
import type { FileStore } from "@/lib/storage/files";
import type { Db } from "../client";
import { dbCall } from "../errors";
import { jsonSafe } from "../json";
import { chunks, defaultChunking, defaultRetrieval, documents, knowledgeBases, type ChunkingSettings, type KnowledgeBase, type RetrievalDefaults } from "../schema";

/**
 * Knowledge bases: a named set of documents with one embedder, chunking and retrieval defaults.
 * The embedder (and so the vector dimension) is fixed once documents exist: vectors of two
 * models are not comparable. Changing it is the explicit `reembedKnowledgeBase` action.
 */

export type KnowledgeBaseSummary = KnowledgeBase & { documentCount: number; chunkCount: number };

export const knowledgeBaseNotFound = () =>
  new AppError("not_found", { en: "Knowledge base not found.", zh: "找不到该知识库。" }, 404);

/**
 * Creates a knowledge base (dimension unknown until its first embedding). `keywordVersion` is the
 * keyword tokenisation its chunks will be indexed with (lib/text/keywords.ts KEYWORD_VERSION).
 * @example const kb = await createKnowledgeBase(db, "local", { name: "产品手册", embeddingProvider: "offline", embeddingModel: "offline-hash-embedder", keywordVersion: KEYWORD_VERSION });
 */
export async function createKnowledgeBase(
  db: Db,
  workspaceId: string,
  input: {
    name: string;
    description?: string;
    embeddingProvider?: string;
    embeddingModel: string;
    chunking?: ChunkingSettings;
    retrieval?: Partial<RetrievalDefaults>;
    keywordVersion: number;
  },
): Promise<KnowledgeBase> {
  const rows = await dbCall("createKnowledgeBase", () =>
    db
      .insert(knowledgeBases)
      .values(
        jsonSafe({
          workspaceId,
          name: input.name,
          description: input.description ?? "",
          embeddingProvider: input.embeddingProvider ?? "default",
          embeddingModel: input.embeddingModel,
          chunking: input.chunking ?? defaultChunking,
          retrieval: { ...defaultRetrieval, ...input.retrieval },
          keywordVersion: input.keywordVersion,
        }),
      )
      .returning(),
  );
  return rows[0];
}

/**
 * The workspace's knowledge bases with their document and chunk counts, newest first.
 * @example const kbs = await listKnowledgeBases(db, "local");
 */
export function listKnowledgeBases(db: Db, workspaceId: string): Promise<KnowledgeBaseSummary[]> {
  return dbCall("listKnowledgeBases", async () => {
    const rows = await db
      .select({
        kb: knowledgeBases,
        documentCount: sql<number>`(select count(*)::int from ${documents} d where d.knowledge_base_id = ${knowledgeBases.id})`,
        chunkCount: sql<number>`(select count(*)::int from ${chunks} c where c.knowledge_base_id = ${knowledgeBases.id})`,
      })
      .from(knowledgeBases)
      .where(eq(knowledgeBases.workspaceId, workspaceId))
      .orderBy(desc(knowledgeBases.updatedAt), knowledgeBases.id);
    return rows.map((r) => ({ ...r.kb, documentCount: r.documentCount, chunkCount: r.chunkCount }));
  });
}

/**
 * One knowledge base of the workspace, or null.
 * @example const kb = await getKnowledgeBaseById(db, "local", id); if (!kb) return notFound();
 */
export async function getKnowledgeBaseById(db: Db, workspaceId: string, id: string): Promise<KnowledgeBase | null> {
  const rows = await dbCall("getKnowledgeBaseById", () =>
    db.select().from(knowledgeBases).where(and(eq(knowledgeBases.workspaceId, workspaceId), eq(knowledgeBases.id, id))).limit(1),
  );
  return rows[0] ?? null;
}

/**
 * Several knowledge bases of the workspace (unknown ids are simply absent).
 * @example const kbs = await getKnowledgeBasesByIds(db, "local", request.knowledgeBaseIds);
 */
export function getKnowledgeBasesByIds(db: Db, workspaceId: string, ids: string[]): Promise<KnowledgeBase[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return dbCall("getKnowledgeBasesByIds", () =>
    db.select().from(knowledgeBases).where(and(eq(knowledgeBases.workspaceId, workspaceId), inArray(knowledgeBases.id, ids))),
  );
}

/**
 * Renames or re-configures a knowledge base. Changing the embedder while documents exist is
 * refused (409): that is `reembedKnowledgeBase`. Chunking changes apply to documents ingested
 * from now on.
 * @example await updateKnowledgeBase(db, "local", id, { name: "新名字" });
 */
export async function updateKnowledgeBase(
  db: Db,
  workspaceId: string,
  id: string,
  patch: {
    name?: string;
    description?: string;
    embeddingProvider?: string;
    embeddingModel?: string;
    chunking?: ChunkingSettings;
    retrieval?: Partial<RetrievalDefaults>;
  },
): Promise<KnowledgeBase> {
  const current = await getKnowledgeBaseById(db, workspaceId, id);
  if (!current) throw knowledgeBaseNotFound();
  const changesEmbedder =
    (patch.embeddingProvider !== undefined && patch.embeddingProvider !== current.embeddingProvider) ||
    (patch.embeddingModel !== undefined && patch.embeddingModel !== current.embeddingModel);
  if (changesEmbedder) {
    const [{ n }] = await dbCall("updateKnowledgeBase", () =>
      db.select({ n: sql<number>`count(*)::int` }).from(documents).where(eq(documents.knowledgeBaseId, id)),
    );
    if (n > 0) throw embedderLocked();
  }
  const rows = await dbCall("updateKnowledgeBase", () =>
    db
      .update(knowledgeBases)
      .set({
        ...jsonSafe({
          name: patch.name,
          description: patch.description,
          embeddingProvider: patch.embeddingProvider,
          embeddingModel: patch.embeddingModel,
          chunking: patch.chunking,
          retrieval: patch.retrieval ? { ...current.retrieval, ...patch.retrieval } : undefined,
        }),
        ...(changesEmbedder ? { dimension: null } : {}),
        contentVersion: sql`${knowledgeBases.contentVersion} + 1`,
        updatedAt: sql`now()`,
      })
      .where(and(eq(knowledgeBases.workspaceId, workspaceId), eq(knowledgeBases.id, id)))
      .returning(),
  );
  if (!rows[0]) throw knowledgeBaseNotFound();
  return rows[0];
}

function embedderLocked(): AppError {
  return new AppError(
    "conflict",
    {
      en: "This knowledge base already has documents embedded with its current model. To switch models, use “Re-embed”, which embeds every document again with the new model.",
      zh: "该知识库中已有用当前模型向量化的文档。若要更换模型，请使用“重新向量化”，它会用新模型重新处理全部文档。",
    },
    409,
  );
}

/**
 * Deletes a knowledge base with its documents and chunks (cascade), then its stored files.
 * Returns false when there was no such knowledge base.
 * @example if (!(await deleteKnowledgeBase(db, files, "local", id))) return notFound();
 */
export async function deleteKnowledgeBase(db: Db, files: FileStore, workspaceId: string, id: string): Promise<boolean> {
  const keys = await dbCall("deleteKnowledgeBase", () =>
    db.select({ key: documents.storageKey }).from(documents).where(and(eq(documents.workspaceId, workspaceId), eq(documents.knowledgeBaseId, id))),
  );
  const rows = await dbCall("deleteKnowledgeBase", () =>
    db
      .delete(knowledgeBases)
      .where(and(eq(knowledgeBases.workspaceId, workspaceId), eq(knowledgeBases.id, id)))
      .returning({ id: knowledgeBases.id }),
  );
  if (rows.length === 0) return false;
  // Files go after the rows: a crash in between leaves an orphan file, never a row without its file.
  await Promise.all(keys.map(({ key }) => files.delete(key)));
  return true;
}

/**
 * Switches a knowledge base to another embedder (or re-runs the same one): clears every
 * embedding and its dimension, queues every document again and returns their ids for the job
 * queue. Chunk texts — including edits — are kept; only vectors are recomputed.
 * @example const ids = await reembedKnowledgeBase(db, "local", id, { embeddingModel: "shaw/dmeta-embedding-zh" }); for (const d of ids) await queue.enqueueIngestion(d);
 */
export async function reembedKnowledgeBase(
  db: Db,
  workspaceId: string,
  id: string,
  embedder: { embeddingProvider?: string; embeddingModel?: string } = {},
): Promise<string[]> {
  return dbCall("reembedKnowledgeBase", () =>
    db.transaction(async (tx) => {
      const updated = await tx
        .update(knowledgeBases)
        .set({
          embeddingProvider: embedder.embeddingProvider ?? sql`${knowledgeBases.embeddingProvider}`,
          embeddingModel: embedder.embeddingModel ?? sql`${knowledgeBases.embeddingModel}`,
          dimension: null,
          contentVersion: sql`${knowledgeBases.contentVersion} + 1`,
          updatedAt: sql`now()`,
        })
        .where(and(eq(knowledgeBases.workspaceId, workspaceId), eq(knowledgeBases.id, id)))
        .returning({ id: knowledgeBases.id });
      if (updated.length === 0) throw knowledgeBaseNotFound();
      await tx.update(chunks).set({ embedding: null, dims: null, updatedAt: sql`now()` }).where(eq(chunks.knowledgeBaseId, id));
      const docs = await tx
        .update(documents)
        .set({ status: "queued", error: null, chunksEmbedded: 0, updatedAt: sql`now()` })
        .where(eq(documents.knowledgeBaseId, id))
        .returning({ id: documents.id });
      return docs.map((d) => d.id);
    }),
  );
}

/**
 * Records that something retrieval sees has changed, so cached results keyed on the old
 * version are no longer used.
 * @example await bumpContentVersion(db, kb.id);
 */
export async function bumpContentVersion(db: Db, knowledgeBaseId: string): Promise<void> {
  await dbCall("bumpContentVersion", () =>
    db
      .update(knowledgeBases)
      .set({ contentVersion: sql`${knowledgeBases.contentVersion} + 1`, updatedAt: sql`now()` })
      .where(eq(knowledgeBases.id, knowledgeBaseId)),
  );
}

/**
 * Fixes a knowledge base's vector dimension on its first embedding; later embeddings must
 * match. Atomic, so two workers racing on the first batch agree.
 * @example await claimKnowledgeBaseDimension(db, kb.id, vectors[0].length);
 */
export async function claimKnowledgeBaseDimension(db: Db, knowledgeBaseId: string, dimension: number): Promise<void> {
  const rows = await dbCall("claimKnowledgeBaseDimension", () =>
    db
      .update(knowledgeBases)
      .set({ dimension })
      .where(and(eq(knowledgeBases.id, knowledgeBaseId), sql`(${knowledgeBases.dimension} is null or ${knowledgeBases.dimension} = ${dimension})`))
      .returning({ dimension: knowledgeBases.dimension }),
  );
  if (rows.length > 0) return;
  const [kb] = await dbCall("claimKnowledgeBaseDimension", () =>
    db.select({ dimension: knowledgeBases.dimension }).from(knowledgeBases).where(eq(knowledgeBases.id, knowledgeBaseId)),
  );
  if (!kb) throw knowledgeBaseNotFound();
  throw new AppError(
    "EMBEDDING_DIMENSION_MISMATCH",
    {
      en: `The embedding model returned vectors of ${dimension} dimensions, but this knowledge base holds vectors of ${kb.dimension}. The model behind the provider has changed: use “Re-embed” to embed every document with the new model.`,
      zh: `向量模型返回了 ${dimension} 维的向量，但该知识库中的向量为 ${kb.dimension} 维。模型服务背后的模型已更换：请使用“重新向量化”用新模型重新处理全部文档。`,
    },
    409,
    { expected: kb.dimension, received: dimension },
  );
}
