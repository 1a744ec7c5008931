"use client";

import { useState } from "react";
import { useTranslations } from "next-intl";

/**
 * Copies a text once and says so. Falls back to selecting the text when the Clipboard API is
 * missing (plain http on another host than localhost), so the person can press Ctrl+C.
 */
export function CopyButton({ text, target, testId }: { text: string; target?: React.RefObject<HTMLInputElement | null>; testId?: string }) {
  const t = useTranslations("auth");
  const [state, setState] = useState<"idle" | "copied" | "select">("idle");

  async function copy() {
    try {
      await navigator.clipboard.writeText(text);
      setState("copied");
    } catch {
      target?.current?.select();
      setState("select");
    }
    setTimeout(() => setState("idle"), 2500);
  }

  return (
    <button type="button" onClick={copy} data-testid={testId} aria-live="polite">
      {state === "copied" ? t("copied") : state === "select" ? t("copyManually") : t("copy")}
    </button>
  );
}
