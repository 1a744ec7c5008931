"use client";

import { useRef, useState } from "react";
import { useTranslations } from "next-intl";
import { isSecretEnvelope, type SecretEnvelope } from "@/lib/flow/secrets";

/**
 * A write-only input for a secret setting (an HTTP node's Authorization header…). A saved secret
 * arrives masked from the server and is shown as "Set · …k3f9" with a Replace button: leaving it
 * keeps the stored value (the masked envelope goes back on save), typing replaces it, and
 * "Keep the saved value" undoes the replacement. A value being typed is a password field; once
 * saved, the studio never gets it back. Nothing changes in the settings until something is
 * typed, so an autosave in between cannot empty the secret.
 */
export function SecretField({ id, value, invalid, testId, onChange }: { id: string; value: unknown; invalid?: boolean; testId: string; onChange: (next: unknown) => void }) {
  const t = useTranslations("nodeSecrets");
  // The saved secret while it is being replaced, so "keep" can put it back.
  const saved = useRef<SecretEnvelope | null>(isSecretEnvelope(value) ? value : null);
  const [replacing, setReplacing] = useState(false);
  if (isSecretEnvelope(value)) saved.current = value;
  const keep = saved.current ? (
    <button
      type="button"
      className="ghost"
      onClick={() => {
        setReplacing(false);
        onChange(saved.current);
      }}
    >
      {t("keep")}
    </button>
  ) : null;

  if (isSecretEnvelope(value) && !replacing) {
    return (
      <div className="secret-field" data-testid={testId} data-secret="set">
        <output className="secret-set" id={id}>
          <span aria-hidden="true">••••••</span> {value.hint ? t("setWithHint", { hint: value.hint }) : t("set")}
        </output>
        <button type="button" className="ghost" onClick={() => setReplacing(true)}>
          {t("replace")}
        </button>
      </div>
    );
  }
  const typed = typeof value === "string" ? value : "";
  return (
    <div className="secret-field" data-testid={testId} data-secret="typing">
      <input
        id={id}
        type="password"
        autoComplete="new-password"
        spellCheck={false}
        aria-invalid={invalid}
        autoFocus={replacing}
        placeholder={saved.current ? t("replacePlaceholder") : t("placeholder")}
        value={typed}
        onChange={(e) => onChange(e.target.value === "" && saved.current ? saved.current : e.target.value)}
      />
      {keep}
    </div>
  );
}
