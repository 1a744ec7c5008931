"use client";

import { useState } from "react";
import { useTranslations } from "next-intl";
import { useCan } from "@/components/role-context";
import { callApi } from "../api";

/** A stored provider that offers rerank (OpenAI-compatible, or a Hugging Face TEI server). */
export interface RerankProviderOption {
  id: string;
  name: string;
}

export interface RerankValue {
  provider: string;
  model?: string;
  topN?: number;
}

/**
 * The knowledge base's rerank default: none, or a provider's reranker (model, candidates). Saved
 * into the retrieval defaults; the retrieval test page, the batch endpoint and retrievals that
 * do not say otherwise use it. Viewers see it read-only.
 */
export function RerankPanel({ kbId, initial, providers }: { kbId: string; initial: RerankValue | null; providers: RerankProviderOption[] }) {
  const t = useTranslations("knowledge");
  const tr = useTranslations("roles");
  const canEdit = useCan("edit");
  const [provider, setProvider] = useState(initial?.provider ?? "");
  const [model, setModel] = useState(initial?.model ?? "");
  const [topN, setTopN] = useState(initial?.topN ?? 20);
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);
  const known = providers.some((p) => p.id === provider);

  async function save() {
    const rerank = provider ? { provider, ...(model.trim() ? { model: model.trim() } : {}), topN } : null;
    const res = await callApi(`/api/v1/knowledge-bases/${kbId}`, { method: "PATCH", json: { retrieval: { rerank } } });
    setMessage(res.ok ? { text: t("settingsSaved"), error: false } : { text: res.error ?? "", error: true });
  }

  return (
    <div className="kb-panel" data-testid="kb-rerank">
      <h2>{t("rerank")}</h2>
      <p className="muted small">{t("rerankHelp")}</p>
      <div className="kb-settings">
        <label>
          {t("rerankProvider")}
          <select value={provider} onChange={(e) => setProvider(e.target.value)} disabled={!canEdit} data-testid="kb-rerank-provider">
            <option value="">{t("rerankNone")}</option>
            {providers.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
            {provider && !known ? <option value={provider}>{provider}</option> : null}
          </select>
        </label>
        {provider ? (
          <>
            <label>
              {t("rerankModel")}
              <input value={model} onChange={(e) => setModel(e.target.value)} placeholder="BAAI/bge-reranker-v2-m3" disabled={!canEdit} data-testid="kb-rerank-model" />
            </label>
            <label>
              {t("rerankTopN")}
              <input type="number" min={1} max={100} value={topN} onChange={(e) => setTopN(Number(e.target.value))} disabled={!canEdit} data-testid="kb-rerank-topn" />
            </label>
          </>
        ) : null}
      </div>
      {providers.length === 0 ? <p className="muted small">{t("rerankNoProviders")}</p> : null}
      <div className="row">
        <button type="button" onClick={save} disabled={!canEdit} title={canEdit ? undefined : tr("needsEditor")} data-testid="kb-rerank-save">
          {t("saveSettings")}
        </button>
      </div>
      {message ? <p className={message.error ? "error small" : "ok small"}>{message.text}</p> : null}
    </div>
  );
}
