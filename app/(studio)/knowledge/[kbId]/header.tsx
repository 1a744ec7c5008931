"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useTranslations } from "next-intl";
import { useCan, ViewOnlyNote } from "@/components/role-context";
import { callApi } from "../api";

interface Props {
  kb: { id: string; name: string; description: string; embeddingProvider: string; embeddingModel: string; dimension: number | null };
}

/**
 * Name (renamable), embedder, and the knowledge-base-wide actions: retrieval test, re-embed, delete.
 * Viewers get the retrieval test only, and a note on why the rest is missing.
 */
export function KnowledgeBaseHeader({ kb }: Props) {
  const t = useTranslations("knowledge");
  const tr = useTranslations("roughEdges");
  const router = useRouter();
  const canEdit = useCan("edit");
  const [name, setName] = useState(kb.name);
  const [editing, setEditing] = useState(false);
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);

  async function rename(event: React.FormEvent) {
    event.preventDefault();
    const res = await callApi(`/api/v1/knowledge-bases/${kb.id}`, { method: "PATCH", json: { name } });
    if (!res.ok) return setMessage({ text: res.error ?? "", error: true });
    setEditing(false);
    router.refresh();
  }

  async function reembed() {
    if (!window.confirm(t("reembedConfirm"))) return;
    const res = await callApi<{ queued: number }>(`/api/v1/knowledge-bases/${kb.id}/reembed`, { method: "POST", json: {} });
    setMessage(res.data ? { text: t("reembedQueued", { count: res.data.queued }), error: false } : { text: res.error ?? "", error: true });
    window.dispatchEvent(new Event("kb-documents-changed"));
  }

  async function remove() {
    // Ask which flows search it first, so the confirmation says what deleting it breaks.
    const usage = await callApi<{ usedBy?: { name: string }[] }>(`/api/v1/knowledge-bases/${kb.id}`);
    const users = usage.data?.usedBy?.map((u) => u.name) ?? [];
    const question = users.length
      ? tr("deleteUsedConfirm", { name: kb.name, count: users.length, flows: users.map((n) => `· ${n}`).join("\n") })
      : t("deleteKbConfirm", { name: kb.name });
    if (!window.confirm(question)) return;
    const res = await callApi(`/api/v1/knowledge-bases/${kb.id}?confirm=true`, { method: "DELETE" });
    if (!res.ok) return setMessage({ text: res.error ?? "", error: true });
    router.push("/knowledge");
    router.refresh();
  }

  return (
    <div className="page-head">
      <div>
        {editing && canEdit ? (
          <form className="inline-form" onSubmit={rename}>
            <input value={name} onChange={(e) => setName(e.target.value)} maxLength={120} aria-label={t("namePlaceholder")} autoFocus />
            <button type="submit" className="primary">
              {t("save")}
            </button>
            <button type="button" className="ghost" onClick={() => setEditing(false)}>
              {t("cancel")}
            </button>
          </form>
        ) : (
          <h1 className="kb-title">
            {kb.name}{" "}
            {canEdit ? (
              <button type="button" className="ghost small" onClick={() => setEditing(true)} data-testid="kb-rename">
                {t("rename")}
              </button>
            ) : null}
          </h1>
        )}
        {kb.description ? <p className="muted">{kb.description}</p> : null}
        <p className="muted small">
          {t("embedderLine", { provider: kb.embeddingProvider, model: kb.embeddingModel, dimension: kb.dimension ?? "—" })}
        </p>
        {message ? <p className={message.error ? "error small" : "ok small"}>{message.text}</p> : null}
        <ViewOnlyNote />
      </div>
      <div className="row">
        <Link href={`/knowledge/${kb.id}/retrieval`} className="button primary" data-testid="open-retrieval">
          {t("retrievalTest")}
        </Link>
        {canEdit ? (
          <>
            <button type="button" onClick={reembed} data-testid="kb-reembed">
              {t("reembed")}
            </button>
            <button type="button" className="danger" onClick={remove} data-testid="kb-delete">
              {t("deleteKb")}
            </button>
          </>
        ) : null}
      </div>
    </div>
  );
}
