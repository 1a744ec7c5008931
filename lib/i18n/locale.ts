/**
 * The two languages Trellis speaks. Everything a person reads (UI, validation problems,
 * run errors) exists in both; code keys stay English.
 */
export const locales = ["en", "zh"] as const;
export type Locale = (typeof locales)[number];
export const defaultLocale: Locale = "en";

/** A text in both languages, used by node labels and problem messages. */
export type Localized = Record<Locale, string>;

export function isLocale(value: unknown): value is Locale {
  return typeof value === "string" && (locales as readonly string[]).includes(value);
}

/**
 * Picks a locale from an Accept-Language header: any zh variant (zh-CN, zh-TW, zh-Hant) → zh.
 * @example localeFromAcceptLanguage("zh-CN,zh;q=0.9,en;q=0.8") // "zh"
 */
export function localeFromAcceptLanguage(header: string | null | undefined): Locale {
  if (!header) return defaultLocale;
  const ranked = header
    .split(",")
    .map((part) => {
      const [tag, ...params] = part.trim().split(";");
      const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
      return { tag: tag.toLowerCase(), q: q ? Number(q.slice(2)) || 0 : 1 };
    })
    .filter((entry) => entry.tag && entry.q > 0)
    .sort((a, b) => b.q - a.q);
  for (const { tag } of ranked) {
    if (tag.startsWith("zh")) return "zh";
    if (tag.startsWith("en")) return "en";
  }
  return defaultLocale;
}

/** Cookie that remembers the language a person chose in the studio. */
export const LOCALE_COOKIE = "trellis-locale";
