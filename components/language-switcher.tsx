"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { LOCALE_COOKIE, type Locale } from "@/lib/i18n/locale";

const names: Record<Locale, string> = { en: "English", zh: "中文" };

/**
 * Switches the studio's language: a cookie (one year) for this browser and, when someone is
 * signed in, their account too (PATCH /api/v1/me), so the choice follows them to other browsers.
 * `remember={false}` skips the account call where nobody can be signed in (the sign-in pages).
 */
export function LanguageSwitcher({ current, label, remember = true }: { current: Locale; label: string; remember?: boolean }) {
  const router = useRouter();
  const [busy, setBusy] = useState(false);

  async function choose(locale: Locale) {
    document.cookie = `${LOCALE_COOKIE}=${locale}; path=/; max-age=31536000; samesite=lax`;
    if (remember) {
      setBusy(true);
      // Signed out (401) or offline: the cookie alone carries the choice, which is enough.
      await fetch("/api/v1/me", { method: "PATCH", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ locale }) }).catch(() => null);
      setBusy(false);
    }
    router.refresh();
  }

  return (
    <label className="language">
      <span className="sr-only">{label}</span>
      <select aria-label={label} value={current} disabled={busy} onChange={(event) => void choose(event.target.value as Locale)}>
        {(Object.keys(names) as Locale[]).map((locale) => (
          <option key={locale} value={locale}>
            {names[locale]}
          </option>
        ))}
      </select>
    </label>
  );
}
