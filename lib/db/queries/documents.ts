import "server-only";
import { createHash } from "node:crypto";
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import { AppError } from "@/lib/errors";
import type { FileStore } from "@/lib/storage/files";
import type { Db } from "../client";
import { dbCall } from "../errors";
import { jsonSafe } from "../json";
import {
  documents,
  knowledgeBases,
  pendingDocumentStatuses,
  type DocumentError,
  type DocumentStatus,
  type FileKind,
  type KnowledgeDocument,
} from "../schema";
import { bumpContentVersion, knowledgeBaseNotFound } from "./knowledge-bases";

/**
 * Documents of a knowledge base: the uploaded file (by server-generated storage key), its
 * ingestion status and progress. An identical re-upload (same sha256) to the same knowledge
 * base is detected by a unique index and returns the existing document.
 */

export const documentNotFound = () => new AppError("not_found", { en: "Document not found.", zh: "找不到该文档。" }, 404);

/** What the UI's progress bar needs; `progress` is 0..1. */
export type DocumentWithProgress = KnowledgeDocument & { progress: number };

const withProgress = (doc: KnowledgeDocument): DocumentWithProgress => ({
  ...doc,
  progress: doc.status === "ready" ? 1 : doc.chunkCount > 0 ? Math.min(1, doc.chunksEmbedded / doc.chunkCount) : 0,
});

// eslint-disable-next-line no-control-regex -- control characters are what must be removed
const CONTROL = /[\u0000-\u001f\u007f]/g;

/**
 * A file name fit for display: control characters removed, trimmed, at most 255 characters.
 * It is never used as a path.
 * @example displayName("a\u0000b.pdf") // "ab.pdf"
 */
export function displayName(name: string): string {
  const clean = name.replace(CONTROL, "").trim();
  return (clean || "untitled").slice(0, 255);
}

/**
 * Stores an upload and creates its document in status "queued" — or, when the same bytes are
 * already in this knowledge base, returns that document with `duplicate: true` and stores
 * nothing. The caller then enqueues ingestion of `document.id` (unless duplicate).
 * @example
 * const { document, duplicate } = await createDocument(db, files, "local", kbId, { name: file.name, bytes });
 * if (!duplicate) await queue.enqueueIngestion(document.id);
 */
export async function createDocument(
  db: Db,
  files: FileStore,
  workspaceId: string,
  knowledgeBaseId: string,
  input: { name: string; bytes: Uint8Array; tags?: string[] },
): Promise<{ document: KnowledgeDocument; duplicate: boolean }> {
  const kb = await dbCall("createDocument", () =>
    db
      .select({ id: knowledgeBases.id })
      .from(knowledgeBases)
      .where(and(eq(knowledgeBases.workspaceId, workspaceId), eq(knowledgeBases.id, knowledgeBaseId))),
  );
  if (kb.length === 0) throw knowledgeBaseNotFound();
  const contentHash = createHash("sha256").update(input.bytes).digest("hex");
  const existing = await findByHash(db, knowledgeBaseId, contentHash);
  if (existing) return { document: existing, duplicate: true };
  const storageKey = await files.put(input.bytes);
  const rows = await dbCall("createDocument", () =>
    db
      .insert(documents)
      .values(
        jsonSafe({
          knowledgeBaseId,
          workspaceId,
          name: displayName(input.name),
          sizeBytes: input.bytes.byteLength,
          contentHash,
          storageKey,
          tags: input.tags ?? [],
        }),
      )
      .onConflictDoNothing({ target: [documents.knowledgeBaseId, documents.contentHash] })
      .returning(),
  );
  if (rows[0]) return { document: rows[0], duplicate: false };
  // Lost a race with an identical upload: keep theirs, drop our copy of the bytes.
  await files.delete(storageKey);
  const winner = await findByHash(db, knowledgeBaseId, contentHash);
  if (!winner) throw documentNotFound();
  return { document: winner, duplicate: true };
}

async function findByHash(db: Db, knowledgeBaseId: string, contentHash: string): Promise<KnowledgeDocument | null> {
  const rows = await dbCall("findDocumentByHash", () =>
    db
      .select()
      .from(documents)
      .where(and(eq(documents.knowledgeBaseId, knowledgeBaseId), eq(documents.contentHash, contentHash)))
      .limit(1),
  );
  return rows[0] ?? null;
}

/**
 * The documents of a knowledge base with their progress, oldest first (upload order).
 * @example const docs = await listDocuments(db, "local", kbId); // docs[0].progress === 0.5
 */
export async function listDocuments(db: Db, workspaceId: string, knowledgeBaseId: string): Promise<DocumentWithProgress[]> {
  const rows = await dbCall("listDocuments", () =>
    db
      .select()
      .from(documents)
      .where(and(eq(documents.workspaceId, workspaceId), eq(documents.knowledgeBaseId, knowledgeBaseId)))
      .orderBy(asc(documents.createdAt), asc(documents.id)),
  );
  return rows.map(withProgress);
}

/**
 * One document of the workspace with its progress, or null.
 * @example const doc = await getDocumentById(db, "local", id);
 */
export async function getDocumentById(db: Db, workspaceId: string, id: string): Promise<DocumentWithProgress | null> {
  const rows = await dbCall("getDocumentById", () =>
    db.select().from(documents).where(and(eq(documents.workspaceId, workspaceId), eq(documents.id, id))).limit(1),
  );
  return rows[0] ? withProgress(rows[0]) : null;
}

/**
 * A document by id alone, for the ingestion worker: a job carries only the document id, which
 * the server itself put there (never a client's input).
 * @example const doc = await getDocumentForIngestion(db, job.data.documentId);
 */
export async function getDocumentForIngestion(db: Db, id: string): Promise<KnowledgeDocument | null> {
  const rows = await dbCall("getDocumentForIngestion", () => db.select().from(documents).where(eq(documents.id, id)).limit(1));
  return rows[0] ?? null;
}

/**
 * Deletes a document with its chunks, then its stored file. Returns false if there was none.
 * @example if (!(await deleteDocument(db, files, "local", id))) return notFound();
 */
export async function deleteDocument(db: Db, files: FileStore, workspaceId: string, id: string): Promise<boolean> {
  const rows = await dbCall("deleteDocument", () =>
    db
      .delete(documents)
      .where(and(eq(documents.workspaceId, workspaceId), eq(documents.id, id)))
      .returning({ key: documents.storageKey, kb: documents.knowledgeBaseId }),
  );
  if (!rows[0]) return false;
  await bumpContentVersion(db, rows[0].kb);
  await files.delete(rows[0].key);
  return true;
}

/**
 * Records ingestion progress. Only the fields given change.
 * @example await updateDocumentStatus(db, id, { status: "embedding", chunkCount: drafts.length });
 */
export async function updateDocumentStatus(
  db: Db,
  id: string,
  patch: { status?: DocumentStatus; error?: DocumentError | null; chunkCount?: number; chunksEmbedded?: number; kind?: FileKind },
): Promise<void> {
  await dbCall("updateDocumentStatus", () =>
    db
      .update(documents)
      .set({ ...jsonSafe(patch), ...(patch.error === null ? { error: null } : {}), updatedAt: sql`now()` })
      .where(eq(documents.id, id)),
  );
}

/**
 * Replaces a document's tags (used by retrieval filters).
 * @example await updateDocumentTags(db, "local", id, ["合同", "2024"]);
 */
export async function updateDocumentTags(db: Db, workspaceId: string, id: string, tags: string[]): Promise<void> {
  const rows = await dbCall("updateDocumentTags", () =>
    db
      .update(documents)
      .set({ tags: jsonSafe([...new Set(tags)]), updatedAt: sql`now()` })
      .where(and(eq(documents.workspaceId, workspaceId), eq(documents.id, id)))
      .returning({ kb: documents.knowledgeBaseId }),
  );
  if (!rows[0]) throw documentNotFound();
  await bumpContentVersion(db, rows[0].kb);
}

/**
 * Ids of documents a worker still owes work (queued, parsing or embedding), oldest first: what a
 * worker re-enqueues when it starts, so ingestion resumes after a crash or restart.
 * @example for (const id of await listPendingDocumentIds(db)) await queue.enqueueIngestion(id);
 */
export async function listPendingDocumentIds(db: Db): Promise<string[]> {
  const rows = await dbCall("listPendingDocumentIds", () =>
    db
      .select({ id: documents.id })
      .from(documents)
      .where(inArray(documents.status, [...pendingDocumentStatuses]))
      .orderBy(asc(documents.createdAt), asc(documents.id)),
  );
  return rows.map((r) => r.id);
}

/**
 * The one UPDATE that makes a document visible: only if every chunk is stored and embedded
 * (checked in the same statement), together with the knowledge base's content version.
 * @example await markDocumentReady(db, documentId, knowledgeBaseId);
 */
export async function markDocumentReady(db: Db, documentId: string, knowledgeBaseId: string): Promise<void> {
  await dbCall("markDocumentReady", () =>
    db.transaction(async (tx) => {
      const rows = await tx
        .update(documents)
        .set({
          status: "ready",
          error: null,
          chunksEmbedded: sql`${documents.chunkCount}`,
          updatedAt: sql`now()`,
        })
        .where(
          and(
            eq(documents.id, documentId),
            sql`${documents.chunkCount} = (select count(*) from chunks c where c.document_id = ${documentId} and c.embedding is not null)`,
          ),
        )
        .returning({ id: documents.id });
      if (rows.length === 0) {
        throw new AppError("INGEST_INCOMPLETE", { en: "Some chunks of this document are missing; it will be processed again.", zh: "该文档的部分分段缺失，将重新处理。" }, 500);
      }
      await tx
        .update(knowledgeBases)
        .set({ contentVersion: sql`${knowledgeBases.contentVersion} + 1`, updatedAt: sql`now()` })
        .where(eq(knowledgeBases.id, knowledgeBaseId));
    }),
  );
}
