"use client";

import { useCallback, useEffect, useState } from "react";
import { useTranslations } from "next-intl";
import { useCan } from "@/components/role-context";
import { ProviderForm } from "./provider-form";

export interface ProviderRow {
  id: string;
  kind: "ollama" | "openai" | "huggingface" | "offline";
  name: string;
  baseUrl?: string | null;
  chatModel?: string | null;
  embeddingModel?: string | null;
  isDefault?: boolean;
  hasSecret?: boolean;
  builtin?: boolean;
}

interface Listing {
  providers: ProviderRow[];
  builtin: ProviderRow[];
  status: { ollama: { baseUrl: string; reachable: boolean }; defaultProvider: { id: string; name: string } };
}

/**
 * Lists built-in and added providers; adds, edits, tests, deletes and picks the default. Only the
 * owner manages them (the API answers 403 otherwise): everyone else sees the list read-only.
 */
export function ProvidersManager() {
  const t = useTranslations("providers");
  const tr = useTranslations("roles");
  const canManage = useCan("admin");
  const [listing, setListing] = useState<Listing | null>(null);
  const [editing, setEditing] = useState<ProviderRow | "new" | null>(null);
  const [results, setResults] = useState<Record<string, string>>({});

  const load = useCallback(async () => {
    const res = await fetch("/api/v1/providers");
    if (res.ok) setListing(await res.json());
  }, []);
  useEffect(() => {
    load();
  }, [load]);

  async function test(id: string) {
    setResults((r) => ({ ...r, [id]: t("testing") }));
    const res = await fetch("/api/v1/providers/test", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ providerId: id }) });
    const body = await res.json();
    const text = body.ok
      ? t("testOk", { count: body.models.length, models: body.models.slice(0, 8).map((m: { name: string }) => m.name).join(", ") })
      : t("testFailed", { message: body.error?.message ?? res.status });
    setResults((r) => ({ ...r, [id]: text }));
  }

  async function patch(id: string, body: object) {
    await fetch(`/api/v1/providers/${id}`, { method: "PATCH", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
    await load();
  }

  if (!listing) return null;
  const defaultId = listing.status.defaultProvider.id;
  const row = (p: ProviderRow) => (
    <li key={p.id} className="card provider" data-testid={`provider-${p.id}`}>
      <div className="row">
        <strong>{p.name}</strong>
        <span className="tag">{t(`kinds.${p.kind}`)}</span>
        {p.id === defaultId ? <span className="tag accent">{t("default")}</span> : null}
        {p.id === "ollama-local" ? <span className={`tag ${listing.status.ollama.reachable ? "ok" : ""}`}>{listing.status.ollama.reachable ? t("reachable") : t("unreachable")}</span> : null}
        {p.hasSecret ? <span className="tag">{t("secretStored")}</span> : null}
      </div>
      <p className="muted small">
        {p.baseUrl ?? ""} {p.chatModel ? `· ${t("chatModel")}: ${p.chatModel}` : ""} {p.embeddingModel ? `· ${t("embeddingModel")}: ${p.embeddingModel}` : ""}
      </p>
      {canManage ? (
        <div className="row">
          <button type="button" onClick={() => test(p.id)} data-testid="provider-test">
            {t("test")}
          </button>
          {!p.builtin ? (
            <>
              {!p.isDefault ? (
                <button type="button" onClick={() => patch(p.id, { isDefault: true })} data-testid="provider-make-default">
                  {t("makeDefault")}
                </button>
              ) : null}
              <button type="button" onClick={() => setEditing(p)} data-testid="provider-edit">
                {t("save")}…
              </button>
              <button
                type="button"
                className="ghost danger"
                data-testid="provider-delete"
                onClick={async () => {
                  await fetch(`/api/v1/providers/${p.id}`, { method: "DELETE" });
                  await load();
                }}
              >
                {t("delete")}
              </button>
            </>
          ) : null}
        </div>
      ) : null}
      {results[p.id] ? <p className="small" data-testid="test-result">{results[p.id]}</p> : null}
    </li>
  );

  return (
    <div className="providers">
      {canManage ? null : (
        <p className="notice" data-testid="providers-owner-only">
          {tr("ownerManagesProviders")}
        </p>
      )}
      <h2>{t("builtin")}</h2>
      <ul className="cards">{listing.builtin.map(row)}</ul>
      <h2>{t("stored")}</h2>
      <ul className="cards">{listing.providers.map((p) => row(p))}</ul>
      {!canManage ? null : editing ? (
        <ProviderForm
          initial={editing === "new" ? null : editing}
          onDone={async () => {
            setEditing(null);
            await load();
          }}
        />
      ) : (
        <button type="button" className="primary" onClick={() => setEditing("new")} data-testid="add-provider">
          {t("add")}
        </button>
      )}
    </div>
  );
}
