import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import glossary from "@/messages/glossary.json";
import en from "@/messages/en.json";
import zh from "@/messages/zh.json";

type Concept = { en: string; zh: string; zhForbidden: string[] };
const concepts = Object.entries(glossary.concepts as Record<string, Concept>);

function strings(value: unknown, path = ""): { path: string; text: string }[] {
  if (typeof value === "string") return [{ path, text: value }];
  if (typeof value !== "object" || value === null) return [];
  return Object.entries(value).flatMap(([key, inner]) => strings(inner, path ? `${path}.${key}` : key));
}

/** Every Chinese text written in the source as `zh: "…"` (node labels, errors, validation messages). */
function sourceZhTexts(): { path: string; text: string }[] {
  const out: { path: string; text: string }[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const file = join(dir, name);
      if (statSync(file).isDirectory()) walk(file);
      else if (/\.(ts|tsx)$/.test(name)) {
        const source = readFileSync(file, "utf8");
        for (const match of source.matchAll(/\bzh:\s*(["`])((?:\\.|(?!\1)[^\\])*)\1/g)) out.push({ path: file, text: match[2] });
      }
    }
  };
  for (const dir of ["app", "components", "lib", "nodes"]) walk(dir);
  return out;
}

describe("glossary (messages/glossary.json)", () => {
  const zhTexts = [...strings(zh).map((s) => ({ ...s, path: `zh.json ${s.path}` })), ...sourceZhTexts()];

  it("finds Chinese texts in the source to check (the scan works)", () => {
    expect(sourceZhTexts().length).toBeGreaterThan(300);
    expect(sourceZhTexts().some((s) => s.text.includes("知识检索"))).toBe(true);
  });

  it.each(concepts)("%s: one Chinese word, no forbidden variant in the catalogue or the source", (_concept, entry) => {
    const offenders = zhTexts.filter((s) => entry.zhForbidden.some((word) => s.text.includes(word))).map((s) => `${s.path}: ${s.text}`);
    expect(offenders).toEqual([]);
  });

  it.each(concepts)("%s: the chosen terms are in use in both catalogues", (_concept, entry) => {
    expect(strings(zh).some((s) => s.text.includes(entry.zh))).toBe(true);
    expect(strings(en).some((s) => s.text.toLowerCase().includes(entry.en.toLowerCase()))).toBe(true);
  });
});
