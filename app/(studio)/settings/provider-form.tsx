"use client";

import { useState } from "react";
import { useTranslations } from "next-intl";
import { useCan } from "@/components/role-context";
import type { ProviderRow } from "./providers-manager";

const kinds = ["ollama", "openai", "huggingface"] as const;

/** Adds or edits a provider (owners only: renders nothing for anyone else). The stored key is never shown: an empty field keeps it. */
export function ProviderForm({ initial, onDone }: { initial: ProviderRow | null; onDone: () => void }) {
  const t = useTranslations("providers");
  const common = useTranslations("common");
  const canManage = useCan("admin");
  const [form, setForm] = useState({
    kind: (initial?.kind ?? "ollama") as (typeof kinds)[number],
    name: initial?.name ?? "",
    baseUrl: initial?.baseUrl ?? "",
    apiKey: "",
    chatModel: initial?.chatModel ?? "",
    embeddingModel: initial?.embeddingModel ?? "",
  });
  const [error, setError] = useState<string | null>(null);
  const set = (key: keyof typeof form) => (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement>) => setForm({ ...form, [key]: e.target.value });

  if (!canManage) return null;

  async function submit(event: React.FormEvent) {
    event.preventDefault();
    const { apiKey, kind, ...rest } = form;
    const body = initial ? { ...rest, ...(apiKey ? { apiKey } : {}) } : { kind, ...rest, ...(apiKey ? { apiKey } : {}) };
    const res = await fetch(initial ? `/api/v1/providers/${initial.id}` : "/api/v1/providers", {
      method: initial ? "PATCH" : "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    if (!res.ok) {
      const payload = await res.json().catch(() => null);
      setError(payload?.error?.message ?? String(res.status));
      return;
    }
    onDone();
  }

  return (
    <form className="card form" onSubmit={submit} data-testid="provider-form">
      {!initial ? (
        <label>
          {t("kind")}
          <select value={form.kind} onChange={set("kind")}>
            {kinds.map((k) => (
              <option key={k} value={k}>
                {t(`kinds.${k}`)}
              </option>
            ))}
          </select>
        </label>
      ) : null}
      <label>
        {t("name")}
        <input value={form.name} onChange={set("name")} required maxLength={80} />
      </label>
      <label>
        {t("baseUrl")}
        <input value={form.baseUrl} onChange={set("baseUrl")} placeholder="http://127.0.0.1:11434" />
        <span className="muted small">{t("baseUrlHelp")}</span>
      </label>
      <label>
        {t("apiKey")}
        <input type="password" value={form.apiKey} onChange={set("apiKey")} autoComplete="off" placeholder={initial?.hasSecret ? t("apiKeyKeep") : ""} />
      </label>
      <label>
        {t("chatModel")}
        <input value={form.chatModel} onChange={set("chatModel")} placeholder="qwen2.5" />
      </label>
      <label>
        {t("embeddingModel")}
        <input value={form.embeddingModel} onChange={set("embeddingModel")} placeholder="shaw/dmeta-embedding-zh" />
      </label>
      {error ? <p className="error">{error}</p> : null}
      <div className="row">
        <button type="submit" className="primary">
          {t("save")}
        </button>
        <button type="button" className="ghost" onClick={onDone}>
          {common("cancel")}
        </button>
      </div>
    </form>
  );
}
