"use client";

import { useCallback, useEffect, useState } from "react";
import { useFormatter, useTranslations } from "next-intl";
import { callApi } from "@/lib/client/api";
import type { StudioBotKey, StudioRelease } from "@/lib/client/bots";
import { CopyButton } from "../../../settings/copy-button";

/** The bot's API keys: create (shown once), with an optional daily budget and pinned release; revoke. */
export function BotKeys({ flowId, slug, releases, canEdit }: { flowId: string; slug: string; releases: StudioRelease[]; canEdit: boolean }) {
  const t = useTranslations("publish");
  const format = useFormatter();
  const [keys, setKeys] = useState<StudioBotKey[]>([]);
  const [name, setName] = useState("");
  const [budget, setBudget] = useState("");
  const [pin, setPin] = useState("");
  const [created, setCreated] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async () => {
    const res = await callApi<{ keys: StudioBotKey[] }>(`/api/v1/flows/${flowId}/bot/keys`);
    if (res.data) setKeys(res.data.keys);
  }, [flowId]);
  useEffect(() => {
    void load();
  }, [load]);

  async function create(e: React.FormEvent) {
    e.preventDefault();
    setError(null);
    const res = await callApi<{ key: string }>(`/api/v1/flows/${flowId}/bot/keys`, {
      json: { name, dailyTokens: budget ? Number(budget) : null, pinnedRelease: pin ? Number(pin) : null },
    });
    if (!res.data) return setError(res.error);
    setCreated(res.data.key);
    setName("");
    setBudget("");
    setPin("");
    await load();
  }

  async function revoke(key: StudioBotKey) {
    if (!window.confirm(t("confirmRevoke", { name: key.name }))) return;
    const res = await callApi(`/api/v1/flows/${flowId}/bot/keys/${key.id}`, { method: "DELETE" });
    if (!res.ok) setError(res.error);
    await load();
  }

  return (
    <div className="kb-panel" data-testid="bot-keys">
      <h2>{t("keysTitle")}</h2>
      <p className="muted small">{t("keysIntro", { slug })}</p>
      {canEdit ? (
        <form className="row" onSubmit={create}>
          <input value={name} onChange={(e) => setName(e.target.value)} placeholder={t("keyName")} aria-label={t("keyName")} required maxLength={100} data-testid="key-name" />
          <input type="number" min={1} value={budget} onChange={(e) => setBudget(e.target.value)} placeholder={t("keyBudget")} aria-label={t("keyBudget")} />
          <select value={pin} onChange={(e) => setPin(e.target.value)} aria-label={t("keyPin")} data-testid="key-pin">
            <option value="">{t("keyPin")}</option>
            {releases.map((r) => (
              <option key={r.id} value={r.number}>
                {t("release", { number: r.number })}
              </option>
            ))}
          </select>
          <button type="submit" data-testid="create-key">
            {t("createKey")}
          </button>
        </form>
      ) : null}
      {created ? (
        <div className="notice" data-testid="new-key">
          <p>{t("keyCreated")}</p>
          <div className="row">
            <code data-testid="new-key-value">{created}</code>
            <CopyButton text={created} />
          </div>
        </div>
      ) : null}
      {error ? (
        <p className="error" role="alert">
          {error}
        </p>
      ) : null}
      {keys.length === 0 ? <p className="empty">{t("noKeys")}</p> : null}
      {keys.length > 0 ? (
        <table className="kb-table" data-testid="keys-table">
          <thead>
            <tr>
              <th>{t("keyName")}</th>
              <th>{t("budget")}</th>
              <th>{t("pinned")}</th>
              <th>{t("lastUsed")}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {keys.map((key) => (
              <tr key={key.id}>
                <td>
                  {key.name} <code className="muted small">tbk_{key.id}_…</code>
                </td>
                <td>{key.dailyTokens ?? t("none")}</td>
                <td>{key.pinnedRelease ? t("release", { number: key.pinnedRelease }) : t("none")}</td>
                <td>{key.lastUsedAt ? format.dateTime(new Date(key.lastUsedAt), { dateStyle: "medium", timeStyle: "short" }) : t("never")}</td>
                <td>
                  {canEdit ? (
                    <button type="button" className="ghost danger" onClick={() => revoke(key)}>
                      {t("revoke")}
                    </button>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </div>
  );
}
