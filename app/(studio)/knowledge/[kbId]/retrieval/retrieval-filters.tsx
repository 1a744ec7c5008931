"use client";

import { useTranslations } from "next-intl";

/** What the filters choose: tags (any of them) and documents (none chosen: all). */
export interface FilterValue {
  tags: string[];
  documentIds: string[];
}

/** A document as the filters list it. */
export interface FilterDocument {
  id: string;
  name: string;
  tags: string[];
}

const toggle = (list: string[], value: string) => (list.includes(value) ? list.filter((v) => v !== value) : [...list, value]);

/**
 * The retrieval test's metadata filters: the knowledge base's tags as chips (a chunk's document
 * must carry any chosen tag) and its documents as a multi-select (nothing chosen: all).
 */
export function RetrievalFilters({ tags, documents, value, onChange }: { tags: string[]; documents: FilterDocument[]; value: FilterValue; onChange: (next: FilterValue) => void }) {
  const t = useTranslations("knowledge");
  const { tags: selectedTags, documentIds: selectedDocuments } = value;
  return (
    <div className="kb-filters" data-testid="kb-filters">
      <div className="kb-filter-group" role="group" aria-label={t("filterTags")}>
        <span className="kb-filter-label">{t("filterTags")}</span>
        {tags.length === 0 ? <span className="muted small">{t("noTagsYet")}</span> : null}
        {tags.map((tag) => {
          const on = selectedTags.includes(tag);
          return (
            <label key={tag} className={`kb-filter-chip${on ? " on" : ""}`} data-testid="kb-filter-tag" data-tag={tag}>
              <input type="checkbox" checked={on} onChange={() => onChange({ ...value, tags: toggle(selectedTags, tag) })} />
              {tag}
            </label>
          );
        })}
      </div>
      <details className="kb-filter-group kb-doc-filter" data-testid="kb-filter-documents">
        <summary>
          <span className="kb-filter-label">{t("filterDocuments")}</span>{" "}
          {selectedDocuments.length ? t("documentsChosen", { count: selectedDocuments.length }) : t("allDocuments")}
        </summary>
        <div className="kb-doc-filter-list">
          {documents.map((doc) => (
            <label key={doc.id} data-testid="kb-filter-document">
              <input type="checkbox" checked={selectedDocuments.includes(doc.id)} onChange={() => onChange({ ...value, documentIds: toggle(selectedDocuments, doc.id) })} />
              {doc.name}
              {doc.tags.length ? <span className="muted small"> · {doc.tags.join(", ")}</span> : null}
            </label>
          ))}
        </div>
      </details>
      {selectedTags.length || selectedDocuments.length ? (
        <button
          type="button"
          className="ghost small"
          onClick={() => onChange({ tags: [], documentIds: [] })}
          data-testid="kb-filter-clear"
        >
          {t("clearFilters")}
        </button>
      ) : null}
    </div>
  );
}
