"use client";

import { useCallback } from "react";
import { useTranslations } from "next-intl";
import { ChatApiError } from "@/lib/client/public-chat";

/** A failure of the public API as one sentence in the page's language. */
export function useDescribeError() {
  const t = useTranslations("publicChat");
  return useCallback(
    (error: unknown) => {
      if (!(error instanceof ChatApiError)) return t("failed", { message: error instanceof Error ? error.message : String(error) });
      if (error.code === "message_too_large" || error.status === 413) return t("tooLarge");
      if (error.code === "budget_exhausted") return error.message || t("budget");
      if (error.code === "busy") return t("busy");
      if (error.code === "rate_limited" || error.status === 429) return error.retryAfter ? t("rateLimited", { seconds: error.retryAfter }) : t("rateLimitedSoon");
      if (error.code === "network") return t("network");
      return t("failed", { message: error.message });
    },
    [t],
  );
}
