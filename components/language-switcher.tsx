"use client";

import { useRouter } from "next/navigation";
import { LOCALE_COOKIE, type Locale } from "@/lib/i18n/locale";

const names: Record<Locale, string> = { en: "English", zh: "中文" };

/** Switches the studio's language and remembers the choice in a cookie (one year). */
export function LanguageSwitcher({ current, label }: { current: Locale; label: string }) {
  const router = useRouter();
  return (
    <label className="language">
      <span className="sr-only">{label}</span>
      <select
        aria-label={label}
        value={current}
        onChange={(event) => {
          document.cookie = `${LOCALE_COOKIE}=${event.target.value}; path=/; max-age=31536000; samesite=lax`;
          router.refresh();
        }}
      >
        {(Object.keys(names) as Locale[]).map((locale) => (
          <option key={locale} value={locale}>
            {names[locale]}
          </option>
        ))}
      </select>
    </label>
  );
}
