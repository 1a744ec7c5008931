"use client";

import { useEffect, useState } from "react";
import { useTranslations } from "next-intl";
import type { RefusalReason } from "@/lib/canvas/connect";
import { useCanvas } from "./store-context";

const SHOW_MS = 5000;

/** Words for a refused connection, in the person's language. */
export function useRefusalText(): (reason: RefusalReason) => string {
  const t = useTranslations("canvas");
  return (reason) => {
    switch (reason.code) {
      case "kind":
        return t("refused.kind", { from: t(`kinds.${reason.fromKind}`), to: t(`kinds.${reason.toKind}`), port: reason.port });
      case "taken":
      case "missing-port":
        return t(`refused.${reason.code}`, { port: reason.port });
      default:
        return t(`refused.${reason.code}`);
    }
  };
}

/** Says why the last connection was refused, for a few seconds. */
export function RefusalToast() {
  const notice = useCanvas((s) => s.notice);
  const text = useRefusalText();
  const [visible, setVisible] = useState(false);
  useEffect(() => {
    if (!notice) return;
    setVisible(true);
    const timer = setTimeout(() => setVisible(false), SHOW_MS);
    return () => clearTimeout(timer);
  }, [notice]);
  if (!notice || !visible) return null;
  return (
    <div className="canvas-toast error" role="alert" data-testid="connection-refused">
      {text(notice.reason)}
    </div>
  );
}
