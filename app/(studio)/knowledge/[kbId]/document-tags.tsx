"use client";

import { useRef, useState } from "react";
import { useLocale, useTranslations } from "next-intl";
import { documentTagsSchema, splitTags } from "@/lib/document-tags";

/**
 * Tags typed by a person, checked as the API checks them (trimmed, 1–40 characters, no
 * duplicates, at most 20): the list, or the first problem in the person's language.
 * @example checkTags("合同, 2024", [], "zh") // { tags: ["合同", "2024"] }
 */
export function checkTags(text: string, current: string[], locale: string): { tags: string[]; error?: undefined } | { tags?: undefined; error: string } {
  const added = splitTags(text);
  const parsed = documentTagsSchema.safeParse([...current, ...(Array.isArray(added) ? added : [added])]);
  if (parsed.success) return { tags: parsed.data };
  // Messages are "English / 中文".
  const [en, zh] = (parsed.error.issues[0]?.message ?? "").split(" / ");
  return { error: (locale === "zh" ? zh : en) || en };
}

/**
 * A document's tags as chips. Editors remove one with its ×, and add some by typing them
 * (commas separate several) and pressing Enter; each change is saved at once through `onSave`,
 * which answers an error message or null. Viewers see the chips only.
 */
export function DocumentTags({ tags, canEdit, onSave }: { tags: string[]; canEdit: boolean; onSave: (tags: string[]) => Promise<string | null> }) {
  const t = useTranslations("knowledge");
  const locale = useLocale();
  const [draft, setDraft] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // Enter then blur must not save twice.
  const saving = useRef(false);

  async function save(next: string[]) {
    if (saving.current) return false;
    saving.current = true;
    setBusy(true);
    const problem = await onSave(next);
    saving.current = false;
    setBusy(false);
    setError(problem);
    return problem === null;
  }

  async function add() {
    if (!draft.trim() || saving.current) return;
    const checked = checkTags(draft, tags, locale);
    if (checked.error !== undefined) return setError(checked.error);
    if (await save(checked.tags)) setDraft("");
  }

  if (!canEdit) {
    return (
      <div className="kb-tags" data-testid="kb-doc-tags">
        {tags.map((tag) => (
          <span key={tag} className="kb-tag" data-testid="kb-doc-tag">
            {tag}
          </span>
        ))}
      </div>
    );
  }
  return (
    <div className="kb-tags" data-testid="kb-doc-tags">
      {tags.map((tag) => (
        <span key={tag} className="kb-tag" data-testid="kb-doc-tag">
          {tag}
          <button type="button" onClick={() => void save(tags.filter((x) => x !== tag))} disabled={busy} aria-label={t("removeTag", { tag })} title={t("removeTag", { tag })}>
            ×
          </button>
        </span>
      ))}
      <input
        className="kb-tag-input"
        value={draft}
        onChange={(e) => setDraft(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === "Enter" && !e.nativeEvent.isComposing) {
            e.preventDefault();
            void add();
          }
        }}
        onBlur={() => void add()}
        placeholder={t("addTag")}
        aria-label={t("addTag")}
        disabled={busy}
        data-testid="kb-doc-tag-input"
      />
      {error ? <div className="error small">{error}</div> : null}
    </div>
  );
}
