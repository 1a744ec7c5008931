import Link from "next/link";
import { notFound } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { getDb } from "@/lib/db";
import { listDocuments } from "@/lib/db/queries/documents";
import { getKnowledgeBaseById } from "@/lib/db/queries/knowledge-bases";
import { listProvidersByWorkspaceId } from "@/lib/db/queries/providers";
import { pageContext } from "@/lib/server/page-context";
import { providerNames } from "@/lib/server/providers";
import { documentView } from "@/app/api/v1/knowledge-bases/schema";
import { ChunkingPanel } from "./chunking-panel";
import { ChunksPanel } from "./chunks-panel";
import { DocumentsPanel } from "./documents-panel";
import { KnowledgeBaseHeader } from "./header";
import { RerankPanel } from "./rerank-panel";

export const dynamic = "force-dynamic";

/** One knowledge base: its documents (upload, live progress), chunking settings with preview, rerank, and chunks. */
export default async function KnowledgeBasePage({ params }: { params: Promise<{ kbId: string }> }) {
  const { kbId } = await params;
  const { workspaceId, locale } = await pageContext();
  const t = await getTranslations("knowledge");
  const db = await getDb();
  const kb = await getKnowledgeBaseById(db, workspaceId, kbId);
  if (!kb) notFound();
  const documents = (await listDocuments(db, workspaceId, kbId)).map((d) => documentView(d, locale));
  // Providers that offer rerank (lib/providers/rerank.ts): OpenAI-compatible, or a Hugging Face TEI server.
  const rerankProviders = (await listProvidersByWorkspaceId(db, workspaceId))
    .filter((p) => p.baseUrl && (p.kind === "openai" || p.kind === "huggingface"))
    .map((p) => ({ id: p.id, name: p.name }));
  return (
    <section className="kb-page">
      <p className="crumbs">
        <Link href="/knowledge">{t("title")}</Link> / {kb.name}
      </p>
      <KnowledgeBaseHeader kb={{ id: kb.id, name: kb.name, description: kb.description, embeddingProvider: (await providerNames(db, workspaceId, locale)).get(kb.embeddingProvider) ?? kb.embeddingProvider, embeddingModel: kb.embeddingModel, dimension: kb.dimension }} />
      <DocumentsPanel kbId={kb.id} initial={JSON.parse(JSON.stringify(documents))} />
      <ChunkingPanel kbId={kb.id} initial={kb.chunking} />
      <RerankPanel kbId={kb.id} initial={kb.retrieval.rerank ?? null} providers={rerankProviders} />
      <ChunksPanel kbId={kb.id} documents={documents.map((d) => ({ id: d.id, name: d.name }))} />
    </section>
  );
}
