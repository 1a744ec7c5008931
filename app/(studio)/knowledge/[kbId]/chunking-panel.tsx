"use client";

import { useRef, useState } from "react";
import { useTranslations } from "next-intl";
import { useCan } from "@/components/role-context";
import { callApi, type Chunking } from "../api";

interface PreviewChunk {
  index: number;
  text: string;
  start: number;
  parentText?: string;
  page?: number;
  heading?: string;
}
interface PreviewColumn {
  settings: Chunking;
  total: number;
  characters: number;
  chunks: PreviewChunk[];
}

function SettingsFields({ value, onChange, testId }: { value: Chunking; onChange: (v: Chunking) => void; testId: string }) {
  const t = useTranslations("knowledge");
  const num = (key: keyof Omit<Chunking, "mode">) => (e: React.ChangeEvent<HTMLInputElement>) => onChange({ ...value, [key]: Number(e.target.value) });
  return (
    <div className="kb-settings" data-testid={testId}>
      <label>
        {t("chunkMode")}
        <select value={value.mode} onChange={(e) => onChange({ ...value, mode: e.target.value as Chunking["mode"] })} data-testid={`${testId}-mode`}>
          <option value="general">{t("modeGeneral")}</option>
          <option value="parent-child">{t("modeParentChild")}</option>
        </select>
      </label>
      <label>
        {t("chunkSize")}
        <input type="number" min={50} max={4000} value={value.chunkSize} onChange={num("chunkSize")} data-testid={`${testId}-size`} />
      </label>
      <label>
        {t("chunkOverlap")}
        <input type="number" min={0} max={1999} value={value.chunkOverlap} onChange={num("chunkOverlap")} />
      </label>
      {value.mode === "parent-child" ? (
        <label>
          {t("parentSize")}
          <input type="number" min={100} max={20000} value={value.parentSize} onChange={num("parentSize")} />
        </label>
      ) : null}
    </div>
  );
}

/**
 * The knowledge base's chunking settings (applied to documents ingested from now on) and the
 * preview: a file cut with the current settings — and, with "Compare with…", with a second
 * setting side by side — before anything is stored. Viewers may preview (a "run") but not save.
 */
export function ChunkingPanel({ kbId, initial }: { kbId: string; initial: Chunking }) {
  const t = useTranslations("knowledge");
  const tr = useTranslations("roles");
  const canEdit = useCan("edit");
  const [settings, setSettings] = useState<Chunking>(initial);
  const [compare, setCompare] = useState<Chunking | null>(null);
  const [file, setFile] = useState<File | null>(null);
  const [columns, setColumns] = useState<PreviewColumn[]>([]);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);
  const picker = useRef<HTMLInputElement>(null);

  async function save() {
    const res = await callApi(`/api/v1/knowledge-bases/${kbId}`, { method: "PATCH", json: { chunking: settings } });
    setMessage(res.ok ? { text: t("settingsSaved"), error: false } : { text: res.error ?? "", error: true });
  }

  async function preview() {
    if (!file) return setMessage({ text: t("chooseFileFirst"), error: true });
    const form = new FormData();
    form.append("file", file, file.name);
    form.append("settings", JSON.stringify(settings));
    if (compare) form.append("compare", JSON.stringify(compare));
    setBusy(true);
    setMessage(null);
    const res = await callApi<{ columns: PreviewColumn[] }>(`/api/v1/knowledge-bases/${kbId}/preview`, { form });
    setBusy(false);
    if (!res.data) return setMessage({ text: res.error ?? "", error: true });
    setColumns(res.data.columns);
  }

  return (
    <div className="kb-panel" data-testid="kb-chunking">
      <h2>{t("chunking")}</h2>
      <p className="muted small">{t("chunkingHelp")}</p>
      <div className="kb-compare-settings">
        <div>
          <h3>{compare ? t("settingA") : t("currentSettings")}</h3>
          <SettingsFields value={settings} onChange={setSettings} testId="kb-settings-a" />
        </div>
        {compare ? (
          <div>
            <h3>{t("settingB")}</h3>
            <SettingsFields value={compare} onChange={setCompare} testId="kb-settings-b" />
          </div>
        ) : null}
      </div>
      <div className="row">
        <button type="button" onClick={save} disabled={!canEdit} title={canEdit ? undefined : tr("needsEditor")} data-testid="kb-save-settings">
          {t("saveSettings")}
        </button>
        <button type="button" onClick={() => setCompare(compare ? null : { ...settings, chunkSize: Math.min(4000, settings.chunkSize * 2) })} data-testid="kb-compare-toggle">
          {compare ? t("stopCompare") : t("compareWith")}
        </button>
        <button type="button" onClick={() => picker.current?.click()}>
          {t("previewFile")}
        </button>
        <span className="muted small kb-file-name">{file ? file.name : t("noFileChosen")}</span>
        <input ref={picker} type="file" hidden onChange={(e) => setFile(e.target.files?.[0] ?? null)} data-testid="kb-preview-file" />
        <button type="button" className="primary" onClick={preview} disabled={busy} data-testid="kb-preview">
          {busy ? t("previewing") : t("preview")}
        </button>
      </div>
      {message ? <p className={message.error ? "error small" : "ok small"}>{message.text}</p> : null}
      {columns.length > 0 ? (
        <div className={`kb-preview cols-${columns.length}`} data-testid="kb-preview-result">
          {columns.map((col, i) => (
            <div key={i} className="kb-preview-col" data-testid="kb-preview-column">
              <h3>
                {columns.length > 1 ? (i === 0 ? t("settingA") : t("settingB")) : t("currentSettings")}
                <span className="muted small">
                  {" "}
                  {t("previewSummary", { count: col.total, size: col.settings.chunkSize, overlap: col.settings.chunkOverlap })}
                </span>
              </h3>
              <ol className="kb-chunk-list">
                {col.chunks.map((c) => (
                  <li key={c.index}>
                    <div className="muted small">
                      #{c.index + 1} · {t("chars", { count: c.text.length })}
                      {c.page ? ` · ${t("page", { page: c.page })}` : ""}
                      {c.heading ? ` · ${c.heading}` : ""}
                    </div>
                    <div className="kb-chunk-text">{c.text}</div>
                  </li>
                ))}
              </ol>
              {col.total > col.chunks.length ? <p className="muted small">{t("previewTruncated", { shown: col.chunks.length, total: col.total })}</p> : null}
            </div>
          ))}
        </div>
      ) : null}
    </div>
  );
}
