/**
 * The process the kill test kills: ingests one document with a deliberately slow embedder and
 * prints a line per stored batch ("progress <embedded>/<total>"), so the test can SIGKILL it
 * mid-way. Run as: node --conditions=react-server --import tsx tests/support/ingest-child.ts <db> <filesDir> <documentId>
 * where <db> is a PGlite data folder or a postgres:// URL.
 */
import { createDb } from "@/lib/db/client";
import { createEmbedder, offlineProvider } from "@/lib/providers";
import type { Embedder } from "@/lib/providers/types";
import { ingestDocument } from "@/lib/rag/ingest";
import { createFileStore } from "@/lib/storage/files";

async function main(): Promise<void> {
  const [target, filesDir, documentId] = process.argv.slice(2);
  const handle = await createDb(target.startsWith("postgres") ? { url: target } : { dataDir: target });
  const inner = createEmbedder(offlineProvider);
  const slow: Embedder = {
    provider: inner.provider,
    model: inner.model,
    async embed(texts, signal) {
      await new Promise((resolve) => setTimeout(resolve, 150));
      return inner.embed(texts, signal);
    },
  };
  await ingestDocument(
    {
      db: handle.db,
      files: createFileStore(filesDir),
      embedder: slow,
      batchSize: 8,
      onProgress: (p) => console.log(`progress ${p.chunksEmbedded}/${p.chunkCount}`),
    },
    documentId,
  );
  console.log("done");
  await handle.close();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
