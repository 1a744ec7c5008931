"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useTranslations } from "next-intl";
import { useCan } from "@/components/role-context";
import type { FlowTemplateInfo } from "@/lib/flow/templates";

async function send(url: string, method: string, body?: unknown): Promise<{ ok: boolean; status: number; body: { error?: { message?: string }; flow?: { id: string } } | null }> {
  const res = await fetch(url, {
    method,
    headers: body === undefined ? undefined : { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { ok: res.ok, status: res.status, body: await res.json().catch(() => null) };
}

/**
 * Creates a flow from a template (the starter flow unless another is chosen) and opens it.
 * The templates arrive from the server already in the person's language.
 */
export function NewFlowForm({ templates, defaultTemplate = "starter" }: { templates: FlowTemplateInfo[]; defaultTemplate?: string }) {
  const t = useTranslations("flows");
  const tl = useTranslations("flowsList");
  const router = useRouter();
  const [name, setName] = useState("");
  const [templateId, setTemplateId] = useState(templates.some((x) => x.id === defaultTemplate) ? defaultTemplate : (templates[0]?.id ?? ""));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const chosen = templates.find((x) => x.id === templateId);

  async function create(event: React.FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const res = await send("/api/v1/flows", "POST", { name: name.trim() || chosen?.name || t("defaultName"), ...(templateId ? { templateId } : {}) });
    if (!res.ok || !res.body?.flow) {
      setBusy(false);
      setError(t("error", { message: res.body?.error?.message ?? res.status }));
      return;
    }
    router.push(`/flows/${res.body.flow.id}`);
  }

  return (
    <form className="inline-form new-flow" onSubmit={create}>
      <input value={name} onChange={(e) => setName(e.target.value)} placeholder={t("namePlaceholder")} aria-label={t("namePlaceholder")} maxLength={120} />
      <label className="template-pick">
        <span className="muted small">{tl("startFrom")}</span>
        <select value={templateId} onChange={(e) => setTemplateId(e.target.value)} data-testid="template-select" aria-label={tl("startFrom")}>
          {templates.map((x) => (
            <option key={x.id} value={x.id}>
              {x.name}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" className="primary" disabled={busy}>
        {busy ? t("creating") : t("create")}
      </button>
      {chosen ? (
        <p className="muted small template-description" data-testid="template-description">
          {chosen.description}
        </p>
      ) : null}
      {error ? <p className="error">{error}</p> : null}
    </form>
  );
}

/**
 * The flow's name on its card, renamed in place: Enter or Save stores it, Escape or Cancel keeps the old one.
 * Viewers see the name only.
 */
export function FlowTitle({ id, name }: { id: string; name: string }) {
  const tl = useTranslations("flowsList");
  const canEdit = useCan("edit");
  const router = useRouter();
  const [editing, setEditing] = useState(false);
  const [value, setValue] = useState(name);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function save() {
    const next = value.trim();
    if (!next || next === name) {
      setEditing(false);
      setValue(name);
      return;
    }
    setBusy(true);
    const res = await send(`/api/v1/flows/${id}`, "PATCH", { name: next });
    setBusy(false);
    if (!res.ok) {
      setError(tl("renameFailed", { message: res.body?.error?.message ?? res.status }));
      return;
    }
    setError(null);
    setEditing(false);
    router.refresh();
  }

  if (!editing || !canEdit) {
    return (
      <div className="flow-title">
        <Link href={`/flows/${id}`} className="card-title" data-testid="flow-name">
          {name}
        </Link>
        {canEdit ? (
          <button type="button" className="ghost small" onClick={() => setEditing(true)} data-testid="rename-flow">
            {tl("rename")}
          </button>
        ) : null}
      </div>
    );
  }
  return (
    <div className="flow-title editing">
      <input
        autoFocus
        value={value}
        maxLength={120}
        aria-label={tl("renameLabel", { name })}
        data-testid="rename-input"
        onChange={(e) => setValue(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === "Enter") void save();
          if (e.key === "Escape") {
            setEditing(false);
            setValue(name);
          }
        }}
      />
      <button type="button" className="primary small" disabled={busy} onClick={() => void save()}>
        {tl("save")}
      </button>
      <button type="button" className="ghost small" onClick={() => (setEditing(false), setValue(name))}>
        {tl("cancel")}
      </button>
      {error ? <p className="error small">{error}</p> : null}
    </div>
  );
}

/** Copies the flow ("Copy of X" / "X 副本") and shows the copy at the top of the list. */
export function DuplicateFlowButton({ id }: { id: string }) {
  const tl = useTranslations("flowsList");
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <>
      <button
        type="button"
        className="ghost"
        disabled={busy}
        data-testid="duplicate-flow"
        onClick={async () => {
          setBusy(true);
          const res = await send(`/api/v1/flows/${id}/duplicate`, "POST");
          setBusy(false);
          if (!res.ok) return setError(tl("duplicateFailed", { message: res.body?.error?.message ?? res.status }));
          setError(null);
          router.refresh();
        }}
      >
        {busy ? tl("duplicating") : tl("duplicate")}
      </button>
      {error ? <p className="error small">{error}</p> : null}
    </>
  );
}

export function DeleteFlowButton({ id, name }: { id: string; name: string }) {
  const t = useTranslations("flows");
  const tp = useTranslations("publish");
  const router = useRouter();
  return (
    <button
      type="button"
      className="ghost danger"
      data-testid="delete-flow"
      onClick={async () => {
        if (!window.confirm(t("confirmDelete", { name }))) return;
        const res = await fetch(`/api/v1/flows/${id}`, { method: "DELETE" });
        // A published flow: the server says what deleting it would take offline; ask once more.
        if (res.status === 409) {
          const problem = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
          if (!window.confirm(`${problem?.error?.message ?? ""}\n\n${tp("confirmDeletePublished")}`)) return;
          await fetch(`/api/v1/flows/${id}?force=1`, { method: "DELETE" });
        }
        router.refresh();
      }}
    >
      {t("delete")}
    </button>
  );
}
