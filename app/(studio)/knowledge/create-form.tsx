"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { useTranslations } from "next-intl";
import { ProviderPicker } from "@/components/canvas/pickers";
import { callApi } from "./api";

/**
 * Creates a knowledge base. The embedder is "default" unless named: the server resolves it to a
 * concrete provider at once, so every vector of the knowledge base comes from one model.
 */
export function CreateKnowledgeBaseForm() {
  const t = useTranslations("knowledge");
  const tr = useTranslations("roughEdges");
  const router = useRouter();
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const [provider, setProvider] = useState("");
  const [model, setModel] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function create(event: React.FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const res = await callApi<{ knowledgeBase: { id: string } }>("/api/v1/knowledge-bases", {
      json: { name: name.trim() || t("defaultName"), description, embeddingProvider: provider || "default", embeddingModel: model.trim() || undefined },
    });
    setBusy(false);
    if (!res.data) return setError(res.error);
    router.push(`/knowledge/${res.data.knowledgeBase.id}`);
  }

  return (
    <form className="kb-create" onSubmit={create} data-testid="kb-create">
      <input value={name} onChange={(e) => setName(e.target.value)} placeholder={t("namePlaceholder")} aria-label={t("namePlaceholder")} maxLength={120} data-testid="kb-name" />
      <input value={description} onChange={(e) => setDescription(e.target.value)} placeholder={t("descriptionPlaceholder")} aria-label={t("descriptionPlaceholder")} maxLength={2000} />
      <details>
        <summary className="small muted">{t("embedderSettings")}</summary>
        <div className="row">
          <label className="stack small">
            {tr("embeddingProvider")}
            <ProviderPicker id="kb-provider" data-testid="kb-provider" value={provider} onChange={setProvider} />
          </label>
          <input value={model} onChange={(e) => setModel(e.target.value)} placeholder={t("modelPlaceholder")} aria-label={t("modelPlaceholder")} />
        </div>
        <p className="muted small">{t("embedderHelp")}</p>
      </details>
      <button type="submit" className="primary" disabled={busy} data-testid="kb-create-submit">
        {busy ? t("creating") : t("create")}
      </button>
      {error ? <p className="error small">{error}</p> : null}
    </form>
  );
}
