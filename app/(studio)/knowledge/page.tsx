import Link from "next/link";
import { getFormatter, getTranslations } from "next-intl/server";
import { ViewOnlyNote } from "@/components/role-context";
import { roleAllows } from "@/lib/auth/permissions";
import { getDb } from "@/lib/db";
import { listKnowledgeBases } from "@/lib/db/queries/knowledge-bases";
import { pageContext } from "@/lib/server/page-context";
import { providerNames } from "@/lib/server/providers";
import { CreateKnowledgeBaseForm } from "./create-form";

export const dynamic = "force-dynamic";

/** The workspace's knowledge bases, with the form that creates one (for editors and owners). */
export default async function KnowledgePage() {
  const { workspaceId, role, locale } = await pageContext();
  const canEdit = roleAllows(role, "edit");
  const t = await getTranslations("knowledge");
  const tr = await getTranslations("roles");
  const format = await getFormatter();
  const db = await getDb();
  const [bases, providers] = await Promise.all([listKnowledgeBases(db, workspaceId), providerNames(db, workspaceId, locale)]);
  return (
    <section className="kb-page">
      <div className="page-head">
        <div>
          <h1>{t("title")}</h1>
          <p className="muted">{t("intro")}</p>
        </div>
        {canEdit ? <CreateKnowledgeBaseForm /> : <ViewOnlyNote />}
      </div>
      {bases.length === 0 ? (
        <p className="empty" data-testid="kb-empty">
          {canEdit ? t("empty") : tr("knowledgeEmpty")}
        </p>
      ) : (
        <ul className="cards" data-testid="kb-list">
          {bases.map((kb) => (
            <li key={kb.id} className="card" data-testid="kb-card">
              <Link href={`/knowledge/${kb.id}`} className="card-title">
                {kb.name}
              </Link>
              {kb.description ? <p className="muted">{kb.description}</p> : null}
              <p className="row small">
                <span className="tag accent">{t("documentCount", { count: kb.documentCount })}</span>
                <span className="tag">{t("chunkCount", { count: kb.chunkCount })}</span>
                <span className="tag" title={t("embedder")}>
                  {providers.get(kb.embeddingProvider) ?? kb.embeddingProvider} · {kb.embeddingModel}
                </span>
              </p>
              <p className="muted small">{t("updated", { when: format.relativeTime(new Date(kb.updatedAt)) })}</p>
              <div className="card-actions">
                <Link href={`/knowledge/${kb.id}`} className="button">
                  {t("open")}
                </Link>
                <Link href={`/knowledge/${kb.id}/retrieval`} className="button ghost">
                  {t("retrievalTest")}
                </Link>
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
