"use client";

import { useRef, useState } from "react";
import { useTranslations } from "next-intl";
import { tagsOf } from "@/lib/document-tags";
import { callApi } from "../../api";
import { RetrievalFilters, type FilterDocument, type FilterValue } from "./retrieval-filters";

interface Hit {
  id: string;
  documentName: string;
  text: string;
  parentText: string | null;
  position: number;
  page: number | null;
  vectorScore: number | null;
  keywordScore: number | null;
  fusedScore: number;
  /** Present when the knowledge base reranks (then the order follows it). */
  rerankScore?: number | null;
  /** Search's own position when the built-in reranker moved the results. */
  searchRank?: number | null;
  rank: number;
}

const score = (n: number | null) => (n === null ? "—" : n.toFixed(3));

/**
 * Query box, mode and top-k, and filters by tag and by document; shows the ranked chunks with
 * vector, keyword and fused scores — and the rerank score when the knowledge base reranks, or
 * the place search gave a chunk the built-in reranker moved.
 */
export function RetrievalTest({
  kbId,
  defaults,
  documents,
}: {
  kbId: string;
  defaults: { mode: string; topK: number; rerank: { provider: string; model?: string } | null };
  documents: FilterDocument[];
}) {
  const t = useTranslations("knowledge");
  const [query, setQuery] = useState("");
  const [filter, setFilter] = useState<FilterValue>({ tags: [], documentIds: [] });
  const [mode, setMode] = useState(defaults.mode);
  const [topK, setTopK] = useState(defaults.topK);
  const [result, setResult] = useState<{ hits: Hit[]; tookMs: number } | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // Only the latest search may show its results (filters can change while one is running).
  const latest = useRef(0);

  async function search(filter: FilterValue) {
    if (!query.trim()) return;
    const id = ++latest.current;
    setBusy(true);
    setError(null);
    // No document chosen means every document (an empty documentIds list would match none).
    const res = await callApi<{ results: Array<{ chunks: Hit[]; tookMs: number }> }>(`/api/v1/knowledge-bases/${kbId}/retrieve`, {
      json: { queries: [query.trim()], mode, topK, filter: { tags: filter.tags, ...(filter.documentIds.length ? { documentIds: filter.documentIds } : {}) } },
    });
    if (id !== latest.current) return;
    setBusy(false);
    if (!res.data) return setError(res.error);
    setResult({ hits: res.data.results[0].chunks, tookMs: res.data.results[0].tookMs });
  }

  async function run(event: React.FormEvent) {
    event.preventDefault();
    await search(filter);
  }

  // Once results are shown, changing a filter searches again.
  function filterBy(next: FilterValue) {
    setFilter(next);
    if (result) void search(next);
  }

  return (
    <div className="kb-panel">
      <form className="kb-query" onSubmit={run}>
        <textarea value={query} onChange={(e) => setQuery(e.target.value)} placeholder={t("queryPlaceholder")} aria-label={t("queryPlaceholder")} rows={2} data-testid="kb-query" />
        <label>
          {t("mode")}
          <select value={mode} onChange={(e) => setMode(e.target.value)} data-testid="kb-query-mode">
            <option value="hybrid">{t("modeHybrid")}</option>
            <option value="vector">{t("modeVector")}</option>
            <option value="keyword">{t("modeKeyword")}</option>
          </select>
        </label>
        <label>
          {t("topK")}
          <input type="number" min={1} max={50} value={topK} onChange={(e) => setTopK(Number(e.target.value))} />
        </label>
        <button type="submit" className="primary" disabled={busy} data-testid="kb-query-run">
          {busy ? t("searching") : t("search")}
        </button>
      </form>
      {defaults.rerank ? (
        <p className="muted small" data-testid="kb-rerank-note">
          {t("rerankedBy", { provider: defaults.rerank.provider, model: defaults.rerank.model || "BAAI/bge-reranker-v2-m3" })}
        </p>
      ) : null}
      <RetrievalFilters tags={tagsOf(documents)} documents={documents} value={filter} onChange={filterBy} />
      {error ? <p className="error">{error}</p> : null}
      {result ? (
        result.hits.length === 0 ? (
          <p className="empty">{filter.tags.length || filter.documentIds.length ? t("noHitsFiltered") : t("noHits")}</p>
        ) : (
          <>
            <p className="muted small">{t("hitsSummary", { count: result.hits.length, ms: result.tookMs })}</p>
            <ol className="kb-hits" data-testid="kb-hits">
              {result.hits.map((h) => (
                <li key={h.id} data-testid="kb-hit">
                  <div className="kb-hit-head">
                    <span className="kb-rank">#{h.rank}</span>
                    {h.searchRank != null && h.searchRank !== h.rank ? (
                      <span className="muted small" title={t("searchRankHint", { n: h.searchRank })} data-testid="kb-hit-moved">
                        {t("searchRank", { n: h.searchRank })}
                      </span>
                    ) : null}
                    <strong>{h.documentName}</strong>
                    <span className="muted small">
                      {t("position", { n: h.position + 1 })}
                      {h.page ? ` · ${t("page", { page: h.page })}` : ""}
                    </span>
                    <span className="kb-spacer" />
                    <span className="kb-score" title={t("vectorScore")}>
                      {t("vectorScore")} <b>{score(h.vectorScore)}</b>
                    </span>
                    <span className="kb-score" title={t("keywordScore")}>
                      {t("keywordScore")} <b>{score(h.keywordScore)}</b>
                    </span>
                    <span className={h.rerankScore != null ? "kb-score" : "kb-score fused"} title={t("fusedScore")}>
                      {t("fusedScore")} <b>{score(h.fusedScore)}</b>
                    </span>
                    {h.rerankScore != null ? (
                      <span className="kb-score fused" title={t("rerankScore")} data-testid="kb-hit-rerank">
                        {t("rerankScore")} <b>{score(h.rerankScore)}</b>
                      </span>
                    ) : null}
                  </div>
                  <div className="kb-bar thin">
                    <span className="ready" style={{ width: `${Math.round(Math.min(1, h.rerankScore != null ? h.rerankScore : h.fusedScore / (result.hits[0].fusedScore || 1)) * 100)}%` }} />
                  </div>
                  <div className="kb-chunk-text">{h.text}</div>
                  {h.parentText && h.parentText !== h.text ? (
                    <details>
                      <summary className="small muted">{t("parentPassage")}</summary>
                      <div className="kb-chunk-text muted">{h.parentText}</div>
                    </details>
                  ) : null}
                </li>
              ))}
            </ol>
          </>
        )
      ) : null}
    </div>
  );
}
