"use client";

import { useRef, useState } from "react";
import { useTranslations } from "next-intl";
import { keyRoles, type ApiKey } from "@/lib/client/accounts";
import { callApi } from "@/lib/client/api";
import { CopyButton } from "../copy-button";

type KeyRole = (typeof keyRoles)[number];

/** Names a new key and picks its role; shows the secret once, with a copy button. */
export function NewKeyForm({ onCreated }: { onCreated: () => void }) {
  const t = useTranslations("apiKeys");
  const ta = useTranslations("auth");
  const [name, setName] = useState("");
  const [role, setRole] = useState<KeyRole>("viewer");
  const [secret, setSecret] = useState<{ value: string; name: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const secretRef = useRef<HTMLInputElement>(null);

  async function create(event: React.FormEvent) {
    event.preventDefault();
    if (!name.trim()) return setError(t("nameRequired"));
    setBusy(true);
    setError(null);
    setSecret(null);
    const res = await callApi<{ key: ApiKey; secret: string }>("/api/v1/api-keys", { json: { name: name.trim(), role } });
    setBusy(false);
    if (!res.data) return setError(res.error);
    setSecret({ value: res.data.secret, name: res.data.key.name });
    setName("");
    onCreated();
  }

  return (
    <div className="kb-panel">
      <h2>{t("createTitle")}</h2>
      <form className="accounts-create" onSubmit={create} noValidate data-testid="api-key-create">
        <label>
          <span>{t("name")}</span>
          <input value={name} onChange={(e) => setName(e.target.value)} placeholder={t("namePlaceholder")} maxLength={120} />
        </label>
        <label>
          <span>{t("role")}</span>
          <select value={role} onChange={(e) => setRole(e.target.value as KeyRole)}>
            {keyRoles.map((r) => (
              <option key={r} value={r}>
                {ta(`roles.${r}`)}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="primary" disabled={busy} data-testid="api-key-submit">
          {busy ? t("creating") : t("create")}
        </button>
      </form>
      <p className="muted small">{ta(`roleHelp.${role}`)}</p>
      {error ? (
        <p className="error" role="alert">
          {error}
        </p>
      ) : null}
      {secret ? (
        <div className="secret-box" data-testid="api-key-secret">
          <p>
            <strong>{t("secretReady", { name: secret.name })}</strong> {t("secretOnce")}
          </p>
          <div className="inline">
            <input ref={secretRef} readOnly value={secret.value} aria-label={t("secret")} onFocus={(e) => e.target.select()} className="code" data-testid="api-key-secret-value" />
            <CopyButton text={secret.value} target={secretRef} testId="api-key-secret-copy" />
            <button type="button" className="ghost" onClick={() => setSecret(null)}>
              {t("done")}
            </button>
          </div>
        </div>
      ) : null}
    </div>
  );
}
