import Link from "next/link";
import { notFound } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { getDb } from "@/lib/db";
import { listDocuments } from "@/lib/db/queries/documents";
import { getKnowledgeBaseById } from "@/lib/db/queries/knowledge-bases";
import { listProvidersByWorkspaceId } from "@/lib/db/queries/providers";
import { pageContext } from "@/lib/server/page-context";
import { RetrievalTest } from "./retrieval-test";

export const dynamic = "force-dynamic";

/** The retrieval test page: a query in (optionally narrowed to tags or documents), the ranked chunks with their scores out. */
export default async function RetrievalPage({ params }: { params: Promise<{ kbId: string }> }) {
  const { kbId } = await params;
  const { workspaceId } = await pageContext();
  const t = await getTranslations("knowledge");
  const db = await getDb();
  const kb = await getKnowledgeBaseById(db, workspaceId, kbId);
  if (!kb) notFound();
  const documents = (await listDocuments(db, workspaceId, kbId)).map((d) => ({ id: d.id, name: d.name, tags: [...d.tags] }));
  // The rerank note names the provider as the settings page shows it.
  const rerank = kb.retrieval.rerank
    ? { ...kb.retrieval.rerank, provider: (await listProvidersByWorkspaceId(db, workspaceId)).find((p) => p.id === kb.retrieval.rerank?.provider)?.name ?? kb.retrieval.rerank.provider }
    : null;
  return (
    <section className="kb-page">
      <p className="crumbs">
        <Link href="/knowledge">{t("title")}</Link> / <Link href={`/knowledge/${kb.id}`}>{kb.name}</Link> / {t("retrievalTest")}
      </p>
      <h1>{t("retrievalTitle", { name: kb.name })}</h1>
      <p className="muted">{t("retrievalIntro")}</p>
      <RetrievalTest kbId={kb.id} defaults={{ mode: kb.retrieval.mode, topK: kb.retrieval.topK, rerank }} documents={documents} />
    </section>
  );
}
