"use client";

import { useEffect, useState } from "react";
import { useTranslations } from "next-intl";

type Common = { id: string; "aria-invalid"?: boolean; "data-testid"?: string };
interface ProviderOption {
  id: string;
  name: string;
}

let providersRequest: Promise<{ options: ProviderOption[]; defaultName?: string } | null> | undefined;

/** Providers the workspace has, fetched once per page (built-in ones first). */
function loadProviders() {
  providersRequest ??= fetch("/api/v1/providers")
    .then((res) => (res.ok ? res.json() : null))
    .then((body) => {
      if (!body) return null;
      const list = [...(body.builtin ?? []), ...(body.providers ?? [])] as ProviderOption[];
      return { options: list.map((p) => ({ id: p.id, name: p.name })), defaultName: body.status?.defaultProvider?.name as string | undefined };
    })
    .catch(() => null);
  return providersRequest;
}

/** Chooses the model provider: "default" or one of the configured ones. Falls back to a text box if the list cannot be loaded. */
export function ProviderPicker({ value, onChange, ...common }: Common & { value: string; onChange: (v: string) => void }) {
  const t = useTranslations("settings");
  const [state, setState] = useState<{ options: ProviderOption[]; defaultName?: string } | null | undefined>(undefined);
  useEffect(() => {
    let live = true;
    void loadProviders().then((result) => live && setState(result));
    return () => {
      live = false;
    };
  }, []);
  if (state === null) return <input {...common} value={value} onChange={(e) => onChange(e.target.value)} />;
  const options = state?.options ?? [];
  return (
    <select {...common} value={value || "default"} onChange={(e) => onChange(e.target.value)}>
      <option value="default">{state?.defaultName ? t("defaultProviderNamed", { name: state.defaultName }) : t("defaultProvider")}</option>
      {options.map((o) => (
        <option key={o.id} value={o.id}>
          {o.name}
        </option>
      ))}
      {value && value !== "default" && !options.some((o) => o.id === value) ? <option value={value}>{value}</option> : null}
    </select>
  );
}

/** A model name with suggestions listed by the chosen provider ("List models" asks it). */
export function ModelPicker({ provider, value, onChange, ...common }: Common & { provider: string; value: string; onChange: (v: string) => void }) {
  const t = useTranslations("settings");
  const [models, setModels] = useState<string[]>([]);
  const [state, setState] = useState<{ kind: "idle" | "loading" } | { kind: "error"; message: string } | { kind: "done"; count: number }>({ kind: "idle" });
  async function load() {
    setState({ kind: "loading" });
    try {
      const res = await fetch("/api/v1/providers/test", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ providerId: provider || "default" }) });
      const body = await res.json().catch(() => null);
      if (!res.ok || !body?.ok) throw new Error(body?.error?.message ?? `HTTP ${res.status}`);
      const names = (body.models as { name: string; kind?: string }[]).filter((m) => m.kind !== "embedding").map((m) => m.name);
      setModels(names);
      setState({ kind: "done", count: names.length });
    } catch (error) {
      setState({ kind: "error", message: (error as Error).message });
    }
  }
  const listId = `${common.id}-models`;
  return (
    <div className="picker">
      <div className="inline">
        <input {...common} list={listId} value={value} placeholder={t("modelPlaceholder")} onChange={(e) => onChange(e.target.value)} />
        <button type="button" onClick={load} disabled={state.kind === "loading"} data-testid="list-models">
          {state.kind === "loading" ? t("loadingModels") : t("listModels")}
        </button>
      </div>
      <datalist id={listId}>
        {models.map((m) => (
          <option key={m} value={m} />
        ))}
      </datalist>
      {state.kind === "error" ? <p className="field-errors">{state.message}</p> : null}
      {state.kind === "done" ? <p className="help">{t("modelsFound", { count: state.count })}</p> : null}
    </div>
  );
}

interface KnowledgeBase {
  id: string;
  name: string;
}

/**
 * Chooses knowledge bases from GET /api/v1/knowledge-bases. Where that endpoint does not exist
 * (an older server) it degrades to a plain id field, so the setting can still be entered.
 */
export function KnowledgeBasePicker({ value, multiple, onChange, ...common }: Common & { value: unknown; multiple: boolean; onChange: (v: unknown) => void }) {
  const t = useTranslations("settings");
  const tr = useTranslations("roughEdges");
  const [bases, setBases] = useState<KnowledgeBase[] | null | undefined>(undefined);
  useEffect(() => {
    let live = true;
    fetch("/api/v1/knowledge-bases")
      .then((res) => (res.ok ? res.json() : null))
      .then((body) => live && setBases(body ? ((body.knowledgeBases ?? body.items ?? body) as KnowledgeBase[]) : null))
      .catch(() => live && setBases(null));
    return () => {
      live = false;
    };
  }, []);
  const selected = Array.isArray(value) ? (value as string[]) : typeof value === "string" && value ? [value] : [];
  if (bases === null || (bases !== undefined && !Array.isArray(bases))) {
    return (
      <input
        {...common}
        value={selected.join(", ")}
        placeholder={t("knowledgeBaseId")}
        onChange={(e) => onChange(multiple ? e.target.value.split(",").map((s) => s.trim()).filter(Boolean) : e.target.value)}
      />
    );
  }
  if (multiple) {
    return (
      <div className="kb-list" data-testid={common["data-testid"]}>
        {(bases ?? []).map((kb) => (
          <label key={kb.id} className="inline">
            <input type="checkbox" checked={selected.includes(kb.id)} onChange={(e) => onChange(e.target.checked ? [...selected, kb.id] : selected.filter((id) => id !== kb.id))} />
            {kb.name}
          </label>
        ))}
        {bases
          ? selected
              .filter((id) => !bases.some((kb) => kb.id === id))
              .map((id) => (
                <label key={id} className="inline missing-reference" data-testid="kb-missing">
                  <input type="checkbox" checked onChange={() => onChange(selected.filter((s) => s !== id))} />
                  {tr("deletedKnowledgeBase", { id: id.slice(0, 8) })}
                </label>
              ))
          : null}
        {bases?.length === 0 ? <p className="help">{t("noKnowledgeBases")}</p> : null}
      </div>
    );
  }
  return (
    <select {...common} value={selected[0] ?? ""} onChange={(e) => onChange(e.target.value)}>
      <option value="">{t("chooseKnowledgeBase")}</option>
      {(bases ?? []).map((kb) => (
        <option key={kb.id} value={kb.id}>
          {kb.name}
        </option>
      ))}
    </select>
  );
}
