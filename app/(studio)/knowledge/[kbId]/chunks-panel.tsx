"use client";

import { useCallback, useEffect, useState } from "react";
import { useTranslations } from "next-intl";
import { useCan } from "@/components/role-context";
import { callApi } from "../api";

interface ChunkRow {
  id: string;
  documentId: string;
  index: number;
  text: string;
  enabled: boolean;
  edited: boolean;
  page: number | null;
}

const PAGE = 20;

/** Chunks of the knowledge base or one document: search, inline edit (re-embeds), enable/disable, delete (the last three for editors). */
export function ChunksPanel({ kbId, documents }: { kbId: string; documents: Array<{ id: string; name: string }> }) {
  const t = useTranslations("knowledge");
  const canEdit = useCan("edit");
  const [documentId, setDocumentId] = useState("");
  const [search, setSearch] = useState("");
  const [offset, setOffset] = useState(0);
  const [page, setPage] = useState<{ chunks: ChunkRow[]; total: number }>({ chunks: [], total: 0 });
  const [editing, setEditing] = useState<{ id: string; text: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const names = new Map(documents.map((d) => [d.id, d.name]));

  const load = useCallback(async () => {
    const q = new URLSearchParams({ offset: String(offset), limit: String(PAGE) });
    if (documentId) q.set("documentId", documentId);
    if (search.trim()) q.set("search", search.trim());
    const res = await callApi<{ chunks: ChunkRow[]; total: number }>(`/api/v1/knowledge-bases/${kbId}/chunks?${q}`);
    if (res.data) setPage(res.data);
    else setError(res.error);
  }, [kbId, documentId, search, offset]);

  useEffect(() => {
    const timer = setTimeout(() => void load(), 200);
    return () => clearTimeout(timer);
  }, [load]);
  useEffect(() => {
    const onChange = () => void load();
    window.addEventListener("kb-chunks-changed", onChange);
    return () => window.removeEventListener("kb-chunks-changed", onChange);
  }, [load]);

  async function patch(id: string, body: { text?: string; enabled?: boolean }) {
    const res = await callApi(`/api/v1/knowledge-bases/${kbId}/chunks/${id}`, { method: "PATCH", json: body });
    setError(res.ok ? null : res.error);
    if (res.ok) setEditing(null);
    await load();
  }

  async function remove(id: string) {
    if (!window.confirm(t("deleteChunkConfirm"))) return;
    const res = await callApi(`/api/v1/knowledge-bases/${kbId}/chunks/${id}`, { method: "DELETE" });
    setError(res.ok ? null : res.error);
    await load();
  }

  return (
    <div className="kb-panel kb-chunks-panel" data-testid="kb-chunks">
      <h2>
        {t("chunks")} <span className="muted small">{t("chunkCount", { count: page.total })}</span>
      </h2>
      <div className="row">
        <select value={documentId} onChange={(e) => (setOffset(0), setDocumentId(e.target.value))} aria-label={t("allDocuments")}>
          <option value="">{t("allDocuments")}</option>
          {documents.map((d) => (
            <option key={d.id} value={d.id}>
              {d.name}
            </option>
          ))}
        </select>
        <input value={search} onChange={(e) => (setOffset(0), setSearch(e.target.value))} placeholder={t("searchChunks")} aria-label={t("searchChunks")} />
        <button type="button" className="ghost" onClick={() => void load()}>
          {t("refresh")}
        </button>
      </div>
      {error ? <p className="error small">{error}</p> : null}
      {page.chunks.length === 0 ? (
        <p className="empty">{t("noChunks")}</p>
      ) : (
        <ol className="kb-chunk-list">
          {page.chunks.map((c) => (
            <li key={c.id} className={c.enabled ? "" : "disabled"} data-testid="kb-chunk">
              <div className="row small muted">
                <span>
                  {names.get(c.documentId) ?? c.documentId} · #{c.index + 1}
                </span>
                {c.edited ? <span className="tag accent">{t("edited")}</span> : null}
                {!c.enabled ? <span className="tag">{t("disabled")}</span> : null}
                <span className="kb-spacer" />
                {canEdit ? (
                  <>
                    <button type="button" className="ghost small" onClick={() => setEditing({ id: c.id, text: c.text })} data-testid="kb-chunk-edit">
                      {t("edit")}
                    </button>
                    <button type="button" className="ghost small" onClick={() => void patch(c.id, { enabled: !c.enabled })} data-testid="kb-chunk-toggle">
                      {c.enabled ? t("disable") : t("enable")}
                    </button>
                    <button type="button" className="ghost small danger" onClick={() => void remove(c.id)} data-testid="kb-chunk-delete">
                      {t("delete")}
                    </button>
                  </>
                ) : null}
              </div>
              {canEdit && editing?.id === c.id ? (
                <div>
                  <textarea className="kb-edit" value={editing.text} onChange={(e) => setEditing({ id: c.id, text: e.target.value })} rows={5} />
                  <div className="row">
                    <button type="button" className="primary" onClick={() => void patch(c.id, { text: editing.text })}>
                      {t("saveChunk")}
                    </button>
                    <button type="button" className="ghost" onClick={() => setEditing(null)}>
                      {t("cancel")}
                    </button>
                    <span className="muted small">{t("editHelp")}</span>
                  </div>
                </div>
              ) : (
                <div className="kb-chunk-text">{c.text}</div>
              )}
            </li>
          ))}
        </ol>
      )}
      {page.total > PAGE ? (
        <div className="row">
          <button type="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>
            {t("previous")}
          </button>
          <span className="muted small">{t("pageOf", { from: offset + 1, to: Math.min(offset + PAGE, page.total), total: page.total })}</span>
          <button type="button" disabled={offset + PAGE >= page.total} onClick={() => setOffset(offset + PAGE)}>
            {t("next")}
          </button>
        </div>
      ) : null}
    </div>
  );
}
