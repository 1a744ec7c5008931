"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { useTranslations } from "next-intl";

/** Creates a flow (wired start → prompt → LLM → answer) and opens it. */
export function NewFlowForm() {
  const t = useTranslations("flows");
  const router = useRouter();
  const [name, setName] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function create(event: React.FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const res = await fetch("/api/v1/flows", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ name: name.trim() || t("defaultName") }),
    });
    const body = await res.json().catch(() => null);
    if (!res.ok) {
      setBusy(false);
      setError(t("error", { message: body?.error?.message ?? res.status }));
      return;
    }
    router.push(`/flows/${body.flow.id}`);
  }

  return (
    <form className="inline-form" onSubmit={create}>
      <input value={name} onChange={(e) => setName(e.target.value)} placeholder={t("namePlaceholder")} aria-label={t("namePlaceholder")} maxLength={120} />
      <button type="submit" className="primary" disabled={busy}>
        {busy ? t("creating") : t("create")}
      </button>
      {error ? <p className="error">{error}</p> : null}
    </form>
  );
}

export function DeleteFlowButton({ id, name }: { id: string; name: string }) {
  const t = useTranslations("flows");
  const router = useRouter();
  return (
    <button
      type="button"
      className="ghost danger"
      onClick={async () => {
        if (!window.confirm(t("confirmDelete", { name }))) return;
        await fetch(`/api/v1/flows/${id}`, { method: "DELETE" });
        router.refresh();
      }}
    >
      {t("delete")}
    </button>
  );
}
