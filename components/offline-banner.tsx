"use client";

import { useEffect, useState } from "react";
import { useTranslations } from "next-intl";

interface Status {
  ollama: { baseUrl: string; reachable: boolean };
  defaultProvider: { id: string; name: string };
  offline: boolean;
}

/** Says plainly when flows run on the offline pair, with the one line that installs a real model. */
export function OfflineBanner() {
  const t = useTranslations("offline");
  const [status, setStatus] = useState<Status | null>(null);
  useEffect(() => {
    let live = true;
    fetch("/api/v1/status")
      .then((res) => (res.ok ? res.json() : null))
      .then((body) => live && setStatus(body))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, []);
  if (!status?.offline) return null;
  return (
    <aside className="banner" role="status" data-testid="offline-banner">
      <strong>{t("title")}</strong> {t("body", { url: status.ollama.baseUrl })} <code>{t("command")}</code>
    </aside>
  );
}
