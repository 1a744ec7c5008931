import { describe, expect, it } from "vitest";
import en from "@/messages/en.json";
import zh from "@/messages/zh.json";
import { localeFromAcceptLanguage } from "@/lib/i18n/locale";

function keys(value: unknown, prefix = ""): string[] {
  if (typeof value !== "object" || value === null) return [prefix];
  return Object.entries(value).flatMap(([key, inner]) => keys(inner, prefix ? `${prefix}.${key}` : key));
}

describe("languages", () => {
  it.each([
    ["zh-CN,zh;q=0.9,en;q=0.8", "zh"],
    ["zh-TW", "zh"],
    ["zh-Hant-HK", "zh"],
    ["en-US,en;q=0.9", "en"],
    ["fr-FR,zh;q=0.5", "zh"],
    ["de-DE", "en"],
    ["en;q=0.1,zh;q=0.9", "zh"],
    ["", "en"],
  ])("Accept-Language %s → %s", (header, locale) => {
    expect(localeFromAcceptLanguage(header)).toBe(locale);
  });

  it("has every UI string in both English and Chinese", () => {
    expect(keys(zh).sort()).toEqual(keys(en).sort());
    const untranslated = keys(en).filter((key) => {
      const get = (obj: unknown) => key.split(".").reduce((o: unknown, k) => (o as Record<string, unknown>)[k], obj);
      const [a, b] = [get(en), get(zh)];
      return a === b && /[a-z]{4,}/i.test(String(a)) && !/^(Trellis|Ollama|Hugging Face|JSON|ollama .*)$/.test(String(a));
    });
    expect(untranslated).toEqual([]);
  });
});
