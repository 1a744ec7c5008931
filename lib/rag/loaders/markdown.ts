import type { LoadedSection } from "@/lib/rag/loaders/assemble";
import { normalizeText } from "@/lib/text/text-normalize";

/**
 * Markdown → text that reads like the rendered page: one section per heading (the heading
 * line kept as the section's first line), link and image targets dropped but their words
 * kept, emphasis marks and HTML tags removed, code blocks kept verbatim. URLs and `**` would
 * otherwise fill chunks and keyword indexes with noise.
 */

const ATX = /^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$/;
const FENCE = /^ {0,3}(```|~~~)/;
const TABLE_RULE = /^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$/;

/**
 * Strips inline Markdown and HTML from one line of prose.
 * @example cleanInline("See [**the guide**](https://x.y/z.pdf).") // "See the guide."
 */
export function cleanInline(line: string): string {
  return line
    .replace(/<img\b[^>]*?\balt\s*=\s*["']([^"']*)["'][^>]*>/gi, "$1")
    .replace(/<\/?[a-zA-Z][^<>]*>/g, "")
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/\[([^\]]+)\]\((?:[^()]|\([^)]*\))*\)/g, "$1")
    .replace(/\[([^\]]+)\]\[[^\]]*\]/g, "$1")
    .replace(/(\*\*|__)(?=\S)(.+?)(?<=\S)\1/g, "$2")
    .replace(/(^|[^\w*])([*_])(?=\S)([^*_\n]+?)(?<=\S)\2(?![\w*])/g, "$1$3")
    .replace(/~~(.+?)~~/g, "$1")
    .replace(/`([^`]+)`/g, "$1")
    .replace(/^ {0,3}>[ \t]?/, "")
    .replace(/\\([\\`*_{}[\]()#+\-.!|])/g, "$1")
    .replace(/&nbsp;/g, " ")
    .replace(/&amp;/g, "&")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">");
}

/**
 * Splits Markdown into sections at headings and cleans each one.
 * @example markdownToSections("# 总则\n\n第一条 …").sections[0].heading // "总则"
 */
export function markdownToSections(source: string): { sections: LoadedSection[]; title?: string } {
  let text = source.replace(/\r\n?/g, "\n").replace(/^\uFEFF/, "");
  let title: string | undefined;
  const front = /^---\n([\s\S]*?)\n---[ \t]*(\n|$)/.exec(text);
  if (front) {
    title = /^title:\s*["']?(.+?)["']?\s*$/m.exec(front[1])?.[1];
    text = text.slice(front[0].length);
  }
  const lines = text.split("\n");
  const sections: LoadedSection[] = [];
  let current: { heading?: string; prose: string[]; blocks: string[] } = { prose: [], blocks: [] };
  const flushProse = () => {
    if (current.prose.length === 0) return;
    current.blocks.push(normalizeText(current.prose.join("\n").replace(/<!--[\s\S]*?-->/g, "")));
    current.prose = [];
  };
  const flushSection = () => {
    flushProse();
    const body = current.blocks.filter((b) => b.trim() !== "").join("\n\n");
    if (body.trim()) sections.push({ text: body, ...(current.heading ? { heading: current.heading } : {}) });
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const fence = FENCE.exec(line);
    if (fence) {
      flushProse();
      const code: string[] = [line];
      for (i++; i < lines.length; i++) {
        code.push(lines[i]);
        if (lines[i].trimStart().startsWith(fence[1])) break;
      }
      current.blocks.push(normalizeText(code.join("\n"), { keepIndent: true }));
      continue;
    }
    const atx = ATX.exec(line);
    const setext = !atx && line.trim() !== "" && i + 1 < lines.length && /^ {0,3}(=+|-+)[ \t]*$/.test(lines[i + 1]) && !/^\s*([-*+]|\d+\.)\s/.test(line);
    if (atx || setext) {
      flushSection();
      const heading = normalizeText(cleanInline(atx ? atx[2] : line.trim()));
      current = { heading: heading || undefined, prose: heading ? [heading] : [], blocks: [] };
      flushProse();
      if (setext) i++;
      continue;
    }
    if (TABLE_RULE.test(line) && line.includes("-") && line.includes("|")) continue;
    if (/^ {0,3}([-*_])([ \t]*\1){2,}[ \t]*$/.test(line)) continue; // thematic break
    current.prose.push(cleanInline(line));
  }
  flushSection();
  return { sections, ...(title ? { title } : {}) };
}
