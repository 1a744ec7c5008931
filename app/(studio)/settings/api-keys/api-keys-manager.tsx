"use client";

import { useCallback, useEffect, useState, useSyncExternalStore } from "react";
import { useFormatter, useTranslations } from "next-intl";
import type { ApiKey } from "@/lib/client/accounts";
import { callApi } from "@/lib/client/api";
import { useMe } from "../use-me";
import { NewKeyForm } from "./new-key-form";

const noSubscribe = () => () => {};

/**
 * The owner's API keys: create (the secret is shown once, the server keeps only its hash), list
 * with last use, revoke. Other roles get a note instead: keys act with workspace-wide rights.
 */
export function ApiKeysManager() {
  const t = useTranslations("apiKeys");
  const ta = useTranslations("auth");
  const format = useFormatter();
  const { me, error: meError } = useMe();
  const isOwner = me?.user.role === "owner";
  const origin = useSyncExternalStore(noSubscribe, () => window.location.origin, () => "");
  const [keys, setKeys] = useState<ApiKey[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async () => {
    const res = await callApi<{ keys: ApiKey[] }>("/api/v1/api-keys");
    if (res.data) setKeys(res.data.keys);
    else setError(res.error);
  }, []);
  useEffect(() => {
    if (isOwner) load();
  }, [isOwner, load]);

  async function revoke(key: ApiKey) {
    if (!window.confirm(t("confirmRevoke", { name: key.name, prefix: key.prefix }))) return;
    setError(null);
    const res = await callApi(`/api/v1/api-keys/${key.id}`, { method: "DELETE" });
    if (!res.ok) setError(res.error);
    await load();
  }

  const tr = useTranslations("roughEdges");
  const date = (iso: string) => format.dateTime(new Date(iso), { dateStyle: "medium", timeStyle: "short" });
  const usage = (
    <div className="kb-panel">
      <h2>{t("usageTitle")}</h2>
      <p className="muted small">{t("usageIntro")}</p>
      <pre data-testid="api-key-usage">{`curl -H "Authorization: Bearer <key>" ${origin}/api/v1/flows`}</pre>
      <p className="muted small">{tr("runIntro")}</p>
      <pre data-testid="api-key-run">{`curl -N -X POST ${origin}/api/v1/flows/<flow-id>/runs \\
  -H "Authorization: Bearer <key>" \\
  -H "Content-Type: application/json" \\
  -d '{"message": "${tr("runSample")}"}'`}</pre>
      <p className="muted small">{tr("runOutro")}</p>
    </div>
  );

  if (meError) return <p className="error">{meError}</p>;
  if (!me) return <p className="muted">{ta("loading")}</p>;
  if (!isOwner) {
    return (
      <>
        <p className="notice" data-testid="owner-only">
          {t("ownerOnly")}
        </p>
        {usage}
      </>
    );
  }
  return (
    <>
      <NewKeyForm onCreated={load} />
      {error ? (
        <p className="error" role="alert" data-testid="api-keys-error">
          {error}
        </p>
      ) : null}
      <h2>{t("listTitle")}</h2>
      {keys && keys.length === 0 ? <p className="empty">{t("empty")}</p> : null}
      {keys && keys.length > 0 ? (
        <table className="kb-table accounts-table" data-testid="api-keys-table">
          <thead>
            <tr>
              <th>{t("name")}</th>
              <th>{t("role")}</th>
              <th>{t("prefix")}</th>
              <th>{t("created")}</th>
              <th>{t("lastUsed")}</th>
              <th className="kb-actions">{t("actions")}</th>
            </tr>
          </thead>
          <tbody>
            {keys.map((key) => (
              <tr key={key.id} data-testid="api-key-row" data-key-id={key.id}>
                <td>{key.name}</td>
                <td>
                  <span className="tag">{ta(`roles.${key.role}`)}</span>
                </td>
                <td>
                  <code>{key.prefix}…</code>
                </td>
                <td className="muted small">{date(key.createdAt)}</td>
                <td className="muted small">{key.lastUsedAt ? date(key.lastUsedAt) : t("neverUsed")}</td>
                <td className="kb-actions">
                  <button type="button" className="ghost danger" onClick={() => revoke(key)} data-testid="api-key-revoke">
                    {t("revoke")}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {usage}
    </>
  );
}
