import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Db } from "@/lib/db/client";
import { createDocument } from "@/lib/db/queries/documents";
import { createKnowledgeBase } from "@/lib/db/queries/knowledge-bases";
import { createEmbedder, offlineProvider, ProviderError } from "@/lib/providers";
import type { Embedder } from "@/lib/providers/types";
import { createFileStore, type FileStore } from "@/lib/storage/files";
import type { ChunkingSettings } from "@/lib/db/schema";
import { KEYWORD_VERSION } from "@/lib/text/keywords";

/** Shared set-up for the knowledge-base tests: temp file stores, KBs, counting embedders. */

export const FIXTURES = "/work/shared/fixtures/docs";
export const WS = "local";

export async function tempFileStore(): Promise<{ files: FileStore; dispose(): Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), "trellis-files-"));
  return { files: createFileStore(dir), dispose: () => rm(dir, { recursive: true, force: true }) };
}

/** The offline embedder, counting calls and texts so tests can prove what was (not) re-embedded. */
export function countingEmbedder(opts: { failAfterCalls?: number; delayMs?: number } = {}): Embedder & { calls: number; texts: number } {
  const inner = createEmbedder(offlineProvider);
  const counter = {
    provider: inner.provider,
    model: inner.model,
    calls: 0,
    texts: 0,
    async embed(texts: string[], signal?: AbortSignal) {
      if (opts.failAfterCalls !== undefined && counter.calls >= opts.failAfterCalls) {
        throw new ProviderError("PROVIDER_UNREACHABLE", { en: "embedder down (test)", zh: "向量服务不可用（测试）" });
      }
      counter.calls += 1;
      counter.texts += texts.length;
      if (opts.delayMs) await new Promise((r) => setTimeout(r, opts.delayMs));
      return inner.embed(texts, signal);
    },
  };
  return counter;
}

export async function newKb(db: Db, name = "kb", chunking?: ChunkingSettings) {
  return createKnowledgeBase(db, WS, { name, embeddingProvider: "offline", embeddingModel: "offline-hash-embedder", chunking, keywordVersion: KEYWORD_VERSION });
}

export async function addText(db: Db, files: FileStore, kbId: string, name: string, text: string, tags?: string[]) {
  const { document } = await createDocument(db, files, WS, kbId, { name, bytes: new TextEncoder().encode(text), tags });
  return document;
}

export { scratchPostgres } from "../support/scratch-postgres";
