"use client";

import { useState } from "react";
import { useTranslations } from "next-intl";
import { isSecretEnvelope } from "@/lib/flow/secrets";

/**
 * A write-only input for a secret setting (an HTTP node's Authorization header…). A saved secret
 * arrives masked from the server and is shown as "Set (…k3f9)" with a Replace button: leaving it
 * keeps the stored value (the masked envelope goes back on save); Replace opens a password field
 * whose text becomes the new value when the field is left (Enter or a click elsewhere) — not at
 * every keystroke, so autosave never stores half-typed secrets — and Cancel keeps the saved one.
 * Once saved, the studio never gets a value back.
 */
export function SecretField({ id, value, invalid, testId, onChange }: { id: string; value: unknown; invalid?: boolean; testId: string; onChange: (next: unknown) => void }) {
  const t = useTranslations("nodeSecrets");
  // What is being typed; null when not editing.
  const [draft, setDraft] = useState<string | null>(null);
  const masked = isSecretEnvelope(value);
  const commit = () => {
    if (draft === null) return;
    // An empty field keeps a saved secret; over plain text it empties the setting.
    if (draft !== "" || !masked) onChange(draft);
    setDraft(null);
  };

  if (masked && draft === null) {
    return (
      <div className="secret-field" data-testid={testId} data-secret="set">
        <output className="secret-set" id={id}>
          <span aria-hidden="true">••••••</span> {value.hint ? t("setWithHint", { hint: value.hint }) : t("set")}
        </output>
        <button type="button" className="ghost" onClick={() => setDraft("")}>
          {t("replace")}
        </button>
      </div>
    );
  }
  const shown = draft ?? (typeof value === "string" ? value : "");
  return (
    <div className="secret-field" data-testid={testId} data-secret="typing">
      <input
        id={id}
        type="password"
        autoComplete="new-password"
        spellCheck={false}
        aria-invalid={invalid}
        autoFocus={masked}
        placeholder={masked ? t("replacePlaceholder") : t("placeholder")}
        value={shown}
        onChange={(e) => setDraft(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => {
          if (e.key === "Enter") {
            e.preventDefault();
            commit();
          } else if (e.key === "Escape") setDraft(null);
        }}
      />
      {masked ? (
        // Pressed before the field loses focus, so the draft is dropped rather than committed.
        <button type="button" className="ghost" onMouseDown={(e) => e.preventDefault()} onClick={() => setDraft(null)}>
          {t("keep")}
        </button>
      ) : null}
    </div>
  );
}
