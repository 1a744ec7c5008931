"use client";

import { useRouter } from "next/navigation";
import { useCallback, useEffect, useRef, useState } from "react";
import { useLocale, useTranslations } from "next-intl";
import { useCan } from "@/components/role-context";
import { callApi, pendingStatuses, type DocumentRow } from "../api";
import { checkTags, DocumentTags } from "./document-tags";

type UploadResult = { name: string; status: "queued" | "duplicate" | "error"; error?: { code: string; message: string }; existingName?: string };

/**
 * Upload (drop zone + file picker, many files at once) and the documents table with a live
 * progress bar per document: polled every second while anything is still being processed.
 * Each document's tags show as chips that editors change in place; the tags typed above the
 * drop zone go on every document of the next upload. Viewers see the table only: no upload,
 * retry, delete or tag editing.
 */
export function DocumentsPanel({ kbId, initial }: { kbId: string; initial: DocumentRow[] }) {
  const t = useTranslations("knowledge");
  const tr = useTranslations("roles");
  const canEdit = useCan("edit");
  const locale = useLocale();
  const [docs, setDocs] = useState<DocumentRow[]>(initial);
  const [uploadTags, setUploadTags] = useState("");
  const [results, setResults] = useState<UploadResult[]>([]);
  const [dragging, setDragging] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const picker = useRef<HTMLInputElement>(null);

  const refresh = useCallback(async () => {
    const res = await callApi<{ documents: DocumentRow[] }>(`/api/v1/knowledge-bases/${kbId}/documents`);
    if (res.data) setDocs(res.data.documents);
  }, [kbId]);

  const router = useRouter();
  const pending = docs.some((d) => pendingStatuses.has(d.status));
  const wasPending = useRef(pending);
  useEffect(() => {
    // Ingestion just finished: the chunk list and the header (vector dimension) are stale.
    if (wasPending.current && !pending) {
      window.dispatchEvent(new Event("kb-chunks-changed"));
      router.refresh();
    }
    wasPending.current = pending;
    if (!pending) return;
    const timer = setInterval(refresh, 1000);
    return () => clearInterval(timer);
  }, [pending, refresh]);
  useEffect(() => {
    const onChange = () => void refresh();
    window.addEventListener("kb-documents-changed", onChange);
    return () => window.removeEventListener("kb-documents-changed", onChange);
  }, [refresh]);

  async function upload(files: File[]) {
    if (files.length === 0) return;
    const checked = checkTags(uploadTags, [], locale);
    if (checked.error !== undefined) return setError(checked.error);
    const form = new FormData();
    for (const file of files) form.append("files", file, file.name);
    if (checked.tags.length) form.append("tags", JSON.stringify(checked.tags));
    setBusy(true);
    setError(null);
    const res = await callApi<{ results: UploadResult[] }>(`/api/v1/knowledge-bases/${kbId}/documents`, { form });
    setBusy(false);
    if (!res.data) return setError(res.error);
    setResults(res.data.results);
    await refresh();
    window.dispatchEvent(new Event("kb-chunks-changed"));
  }

  async function saveTags(doc: DocumentRow, tags: string[]): Promise<string | null> {
    const res = await callApi<{ document: DocumentRow }>(`/api/v1/knowledge-bases/${kbId}/documents/${doc.id}`, { method: "PATCH", json: { tags } });
    if (!res.data) return res.error;
    const updated = res.data.document;
    setDocs((current) => current.map((d) => (d.id === updated.id ? updated : d)));
    return null;
  }

  async function act(doc: DocumentRow, action: "delete" | "retry") {
    if (action === "delete" && !window.confirm(t("deleteDocConfirm", { name: doc.name }))) return;
    const url = `/api/v1/knowledge-bases/${kbId}/documents/${doc.id}${action === "retry" ? "/retry" : ""}`;
    const res = await callApi(url, { method: action === "delete" ? "DELETE" : "POST" });
    if (!res.ok) setError(res.error);
    await refresh();
  }

  return (
    <div className="kb-panel" data-testid="kb-documents-panel">
      <h2>{t("documents")}</h2>
      {canEdit ? (
        <div
          className={`kb-drop${dragging ? " active" : ""}`}
          data-testid="kb-drop"
          onDragOver={(e) => {
            e.preventDefault();
            setDragging(true);
          }}
          onDragLeave={() => setDragging(false)}
          onDrop={(e) => {
            e.preventDefault();
            setDragging(false);
            void upload([...e.dataTransfer.files]);
          }}
        >
          <p>{busy ? t("uploading") : t("dropHere")}</p>
          <button type="button" onClick={() => picker.current?.click()} disabled={busy}>
            {t("chooseFiles")}
          </button>
          <input ref={picker} type="file" multiple hidden data-testid="kb-file-input" onChange={(e) => void upload([...(e.target.files ?? [])]).then(() => (e.target.value = ""))} />
          <label className="kb-upload-tags">
            {t("uploadTags")}
            <input value={uploadTags} onChange={(e) => setUploadTags(e.target.value)} placeholder={t("uploadTagsPlaceholder")} data-testid="kb-upload-tags" />
          </label>
          <p className="muted small">{t("uploadHelp")}</p>
        </div>
      ) : null}
      {error ? <p className="error">{error}</p> : null}
      {results.length > 0 ? (
        <ul className="kb-results" data-testid="kb-upload-results">
          {results.map((r, i) => (
            <li key={i} className={r.status === "error" ? "error" : r.status === "duplicate" ? "muted" : "ok"}>
              <strong>{r.name}</strong>: {r.status === "error" ? r.error?.message : r.status === "duplicate" ? t("duplicate", { name: r.existingName ?? r.name }) : t("queued")}
            </li>
          ))}
        </ul>
      ) : null}
      {docs.length === 0 ? (
        <p className="empty">{canEdit ? t("noDocuments") : tr("noDocuments")}</p>
      ) : (
        <table className="kb-table" data-testid="kb-documents">
          <thead>
            <tr>
              <th>{t("docName")}</th>
              <th>{t("tags")}</th>
              <th>{t("docStatus")}</th>
              <th className="kb-progress-col">{t("docProgress")}</th>
              <th>{t("docChunks")}</th>
              {canEdit ? <th /> : null}
            </tr>
          </thead>
          <tbody>
            {docs.map((doc) => (
              <tr key={doc.id} data-testid="kb-document" data-status={doc.status} data-name={doc.name}>
                <td>
                  <strong>{doc.name}</strong>
                  <div className="muted small">
                    {doc.kind ?? "—"} · {(doc.sizeBytes / 1024).toFixed(1)} KB
                  </div>
                </td>
                <td>
                  <DocumentTags tags={doc.tags ?? []} canEdit={canEdit} onSave={(tags) => saveTags(doc, tags)} />
                </td>
                <td>
                  <span className={`tag kb-status ${doc.status}`}>{t(`status.${doc.status}`)}</span>
                  {doc.error ? <div className="error small">{doc.error.message}</div> : null}
                </td>
                <td>
                  <div className="kb-bar" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(doc.progress * 100)}>
                    <span className={doc.status} style={{ width: `${Math.round(doc.progress * 100)}%` }} />
                  </div>
                  <span className="muted small">{Math.round(doc.progress * 100)}%</span>
                </td>
                <td>{t("chunksDone", { done: doc.chunksEmbedded, total: doc.chunkCount })}</td>
                {canEdit ? (
                  <td className="kb-actions">
                    {doc.status === "failed" ? (
                      <button type="button" onClick={() => void act(doc, "retry")} data-testid="kb-document-retry">
                        {t("retry")}
                      </button>
                    ) : null}
                    <button type="button" className="danger ghost" onClick={() => void act(doc, "delete")} data-testid="kb-document-delete">
                      {t("delete")}
                    </button>
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
