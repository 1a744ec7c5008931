"use client";

import { useEffect, useRef, useState } from "react";
import { useTranslations } from "next-intl";

/** The message box: Enter sends (Shift+Enter and IME composition do not), Stop while answering. */
export function Composer({ streaming, onSend, onStop }: { streaming: boolean; onSend: (text: string) => Promise<void>; onStop: () => void }) {
  const t = useTranslations("publicChat");
  const [draft, setDraft] = useState("");
  const box = useRef<HTMLTextAreaElement>(null);

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    el.style.height = "auto";
    el.style.height = `${Math.min(el.scrollHeight, 160)}px`;
  }, [draft]);

  function submit() {
    if (streaming || !draft.trim()) return;
    const text = draft;
    setDraft("");
    void onSend(text);
  }

  return (
    <div className="pc-foot">
      <form
        className="pc-composer"
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <textarea
          ref={box}
          value={draft}
          rows={1}
          onChange={(e) => setDraft(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === "Enter" && !e.shiftKey && !e.nativeEvent.isComposing) {
              e.preventDefault();
              submit();
            }
          }}
          placeholder={t("placeholder")}
          aria-label={t("placeholder")}
          data-testid="composer"
        />
        {streaming ? (
          <button type="button" className="pc-send pc-stop" onClick={onStop} aria-label={t("stop")} title={t("stop")} data-testid="stop">
            <svg viewBox="0 0 24 24" aria-hidden="true">
              <rect x="7" y="7" width="10" height="10" rx="2" />
            </svg>
          </button>
        ) : (
          <button type="submit" className="pc-send" disabled={!draft.trim()} aria-label={t("send")} title={t("send")} data-testid="send">
            <svg viewBox="0 0 24 24" aria-hidden="true">
              <path d="M12 19V5M5 12l7-7 7 7" />
            </svg>
          </button>
        )}
      </form>
      <p className="pc-disclaimer">{t("disclaimer")}</p>
    </div>
  );
}
