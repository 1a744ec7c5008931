/**
 * A small Markdown parser for model output shown to the public (C16). It produces a tree of a
 * fixed set of node types and nothing else: there is no HTML node, so `<img onerror=…>` or
 * `<iframe>` in an answer stays text, and URLs are kept raw here and checked where they are
 * rendered (lib/markdown/urls.ts). It is forgiving on purpose: a half-streamed answer (an
 * unclosed code fence, a lone `**`) parses to something sensible at every token.
 *
 * Supported: paragraphs with line breaks, ATX headings, fenced code, inline code, emphasis,
 * strong, strikethrough, links, autolinks, images, ordered and unordered (nested) lists,
 * block quotes, GFM tables, thematic breaks, and citation markers `[1]`.
 * @example parseMarkdown("**Hi** [docs](https://example.com)") // [{ type: "paragraph", children: [...] }]
 */
export type Inline =
  | { type: "text"; text: string }
  | { type: "strong" | "em" | "del"; children: Inline[] }
  | { type: "code"; text: string }
  | { type: "link"; href: string; children: Inline[] }
  | { type: "image"; src: string; alt: string }
  | { type: "cite"; index: number }
  | { type: "break" };

export type Block =
  | { type: "paragraph"; children: Inline[] }
  | { type: "heading"; level: number; children: Inline[] }
  | { type: "code"; lang: string; text: string }
  | { type: "list"; ordered: boolean; start: number; items: Block[][] }
  | { type: "blockquote"; children: Block[] }
  | { type: "table"; align: Array<"left" | "center" | "right" | null>; header: Inline[][]; rows: Inline[][][] }
  | { type: "hr" };

const FENCE = /^ {0,3}(`{3,}|~{3,})\s*([^`\s]*)[^`]*$/;
const HEADING = /^ {0,3}(#{1,6})(?:\s+(.*?))?\s*#*\s*$/;
const HR = /^ {0,3}([-*_])(?:\s*\1){2,}\s*$/;
const QUOTE = /^ {0,3}> ?(.*)$/;
const ITEM = /^( {0,3})([-*+]|\d{1,9}[.)])(\s+|$)(.*)$/;
const TABLE_DELIMITER = /^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$/;
/** Bounds the work an adversarial answer can cause (deeply nested quotes and lists). */
const MAX_DEPTH = 12;

export function parseMarkdown(source: string, depth = 0): Block[] {
  const lines = source.replace(/\r\n?/g, "\n").split("\n");
  const blocks: Block[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    if (!line.trim()) {
      i++;
      continue;
    }
    const fence = FENCE.exec(line);
    if (fence) {
      const marker = fence[1];
      const body: string[] = [];
      i++;
      while (i < lines.length && !new RegExp(`^ {0,3}${marker[0]}{${marker.length},}\\s*$`).test(lines[i])) body.push(lines[i++]);
      i++; // the closing fence (absent while an answer is still streaming)
      blocks.push({ type: "code", lang: fence[2], text: body.join("\n") });
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      blocks.push({ type: "heading", level: heading[1].length, children: parseInline(heading[2] ?? "") });
      i++;
      continue;
    }
    if (HR.test(line)) {
      blocks.push({ type: "hr" });
      i++;
      continue;
    }
    if (QUOTE.test(line) && depth < MAX_DEPTH) {
      const body: string[] = [];
      while (i < lines.length && lines[i].trim() && (QUOTE.test(lines[i]) || body.length > 0)) {
        const m = QUOTE.exec(lines[i]);
        if (!m && startsBlock(lines[i])) break;
        body.push(m ? m[1] : lines[i]);
        i++;
      }
      blocks.push({ type: "blockquote", children: parseMarkdown(body.join("\n"), depth + 1) });
      continue;
    }
    if (ITEM.test(line) && depth < MAX_DEPTH) {
      i = parseList(lines, i, blocks, depth);
      continue;
    }
    if (line.includes("|") && i + 1 < lines.length && TABLE_DELIMITER.test(lines[i + 1]) && lines[i + 1].includes("-")) {
      i = parseTable(lines, i, blocks);
      continue;
    }
    const body: string[] = [];
    while (i < lines.length && lines[i].trim() && (body.length === 0 || !startsBlock(lines[i]))) body.push(lines[i++].trim());
    blocks.push({ type: "paragraph", children: parseInline(body.join("\n")) });
  }
  return blocks;
}

function startsBlock(line: string): boolean {
  return FENCE.test(line) || HEADING.test(line) || HR.test(line) || QUOTE.test(line) || ITEM.test(line);
}

function parseList(lines: string[], start: number, out: Block[], depth: number): number {
  const first = ITEM.exec(lines[start])!;
  const ordered = /\d/.test(first[2]);
  const items: Block[][] = [];
  let i = start;
  while (i < lines.length) {
    const m = ITEM.exec(lines[i]);
    if (!m || /\d/.test(m[2]) !== ordered) break;
    const indent = m[1].length + m[2].length + Math.min(m[3].length || 1, 4);
    const body = [m[4]];
    i++;
    // The item goes on while lines are indented under it (or lazily continue its paragraph).
    while (i < lines.length) {
      const next = lines[i];
      if (!next.trim()) {
        if (i + 1 < lines.length && leadingSpaces(lines[i + 1]) >= indent && lines[i + 1].trim()) {
          body.push("");
          i++;
          continue;
        }
        break;
      }
      if (leadingSpaces(next) >= Math.min(indent, 4) && leadingSpaces(next) >= 2) body.push(next.slice(Math.min(indent, leadingSpaces(next))));
      else if (!startsBlock(next) && body[body.length - 1] !== "") body.push(next.trim());
      else break;
      i++;
    }
    items.push(parseMarkdown(body.join("\n"), depth + 1));
    if (i < lines.length && !lines[i].trim() && i + 1 < lines.length && ITEM.test(lines[i + 1])) i++;
  }
  out.push({ type: "list", ordered, start: ordered ? Number.parseInt(first[2], 10) : 1, items });
  return i;
}

function leadingSpaces(line: string): number {
  return line.length - line.trimStart().length;
}

function splitRow(line: string): string[] {
  let row = line.trim();
  if (row.startsWith("|")) row = row.slice(1);
  if (row.endsWith("|") && !row.endsWith("\\|")) row = row.slice(0, -1);
  const cells: string[] = [];
  let cell = "";
  for (let k = 0; k < row.length; k++) {
    if (row[k] === "\\" && row[k + 1] === "|") {
      cell += "|";
      k++;
    } else if (row[k] === "|") {
      cells.push(cell.trim());
      cell = "";
    } else cell += row[k];
  }
  cells.push(cell.trim());
  return cells;
}

function parseTable(lines: string[], start: number, out: Block[]): number {
  const header = splitRow(lines[start]);
  const align = splitRow(lines[start + 1]).map((d) => (d.startsWith(":") && d.endsWith(":") ? "center" : d.endsWith(":") ? "right" : d.startsWith(":") ? "left" : null));
  const rows: Inline[][][] = [];
  let i = start + 2;
  while (i < lines.length && lines[i].trim() && lines[i].includes("|")) {
    const cells = splitRow(lines[i]);
    rows.push(header.map((_, c) => parseInline(cells[c] ?? "")));
    i++;
  }
  out.push({ type: "table", align: header.map((_, c) => align[c] ?? null), header: header.map((h) => parseInline(h)), rows });
  return i;
}

const PUNCTUATION = /[!-/:-@[-`{-~]/;
const BARE_URL = /^(https?:\/\/|mailto:)[^\s<>]*[^\s<>.,;:!?"'”’)\]}*_~]/i;

/**
 * Inline Markdown to nodes. Delimiters that never close stay literal text, so a streaming
 * answer shows "**bold" until its closing "**" arrives.
 */
export function parseInline(text: string, depth = 0): Inline[] {
  const out: Inline[] = [];
  let plain = "";
  const flush = () => {
    if (plain) out.push({ type: "text", text: plain });
    plain = "";
  };
  const push = (node: Inline) => {
    flush();
    out.push(node);
  };
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === "\\" && i + 1 < text.length && PUNCTUATION.test(text[i + 1])) {
      plain += text[i + 1];
      i += 2;
      continue;
    }
    if (c === "\n") {
      push({ type: "break" });
      i++;
      continue;
    }
    if (c === "`") {
      const run = /^`+/.exec(text.slice(i))![0];
      const close = text.indexOf(run, i + run.length);
      if (close > 0) {
        const code = text.slice(i + run.length, close);
        push({ type: "code", text: code.length > 2 && code.startsWith(" ") && code.endsWith(" ") ? code.slice(1, -1) : code });
        i = close + run.length;
        continue;
      }
      plain += run;
      i += run.length;
      continue;
    }
    if (c === "!" && text[i + 1] === "[") {
      const link = linkAt(text, i + 1);
      if (link) {
        push({ type: "image", src: link.url, alt: link.label });
        i = link.end;
        continue;
      }
    }
    if (c === "[") {
      const link = linkAt(text, i);
      if (link && depth < MAX_DEPTH) {
        push({ type: "link", href: link.url, children: parseInline(link.label, depth + 1) });
        i = link.end;
        continue;
      }
      const cite = /^\[(\d{1,3})\]/.exec(text.slice(i));
      if (cite) {
        push({ type: "cite", index: Number(cite[1]) });
        i += cite[0].length;
        continue;
      }
    }
    if (c === "<") {
      const auto = /^<((?:https?|mailto):[^\s<>]+)>/i.exec(text.slice(i));
      if (auto) {
        push({ type: "link", href: auto[1], children: [{ type: "text", text: auto[1] }] });
        i += auto[0].length;
        continue;
      }
    }
    if ((c === "h" || c === "H" || c === "m" || c === "M") && !/[\p{L}\p{N}]/u.test(text[i - 1] ?? "")) {
      const bare = BARE_URL.exec(text.slice(i));
      if (bare) {
        push({ type: "link", href: bare[0], children: [{ type: "text", text: bare[0] }] });
        i += bare[0].length;
        continue;
      }
    }
    if ((c === "*" || c === "_" || c === "~") && depth < MAX_DEPTH) {
      const span = emphasisAt(text, i);
      if (span) {
        push({ type: span.type, children: parseInline(span.inner, depth + 1) });
        i = span.end;
        continue;
      }
    }
    plain += c;
    i++;
  }
  flush();
  return out;
}

/** `[label](url "title")` starting at `start` (the "["), or null. */
function linkAt(text: string, start: number): { label: string; url: string; end: number } | null {
  let depth = 0;
  let k = start;
  for (; k < text.length; k++) {
    if (text[k] === "\\") k++;
    else if (text[k] === "[") depth++;
    else if (text[k] === "]" && --depth === 0) break;
    else if (text[k] === "\n" && text[k + 1] === "\n") return null;
  }
  if (k >= text.length || text[k + 1] !== "(") return null;
  const m = /^\(\s*(<[^>\n]*>|[^\s()]*(?:\([^\s()]*\)[^\s()]*)*)(?:\s+(?:"[^"\n]*"|'[^'\n]*'))?\s*\)/.exec(text.slice(k + 1));
  if (!m) return null;
  const url = m[1].startsWith("<") ? m[1].slice(1, -1) : m[1];
  return { label: text.slice(start + 1, k), url, end: k + 1 + m[0].length };
}

/** `**strong**`, `__strong__`, `*em*`, `_em_` or `~~del~~` starting at `start`, or null when it never closes. */
function emphasisAt(text: string, start: number): { type: "strong" | "em" | "del"; inner: string; end: number } | null {
  const c = text[start];
  const double = text[start + 1] === c;
  if (c === "~" && !double) return null;
  const marker = double ? c + c : c;
  const after = text[start + marker.length];
  if (!after || /\s/.test(after)) return null;
  // Underscores inside words (snake_case) are not emphasis.
  if (c === "_" && /[\p{L}\p{N}]/u.test(text[start - 1] ?? "")) return null;
  let k = start + marker.length;
  while ((k = text.indexOf(marker, k)) > 0) {
    const before = text[k - 1];
    const next = text[k + marker.length];
    const closes = !/\s/.test(before) && !(c === "_" && /[\p{L}\p{N}]/u.test(next ?? "")) && !(marker.length === 1 && next === c);
    if (closes && k > start + marker.length) {
      return { type: c === "~" ? "del" : double ? "strong" : "em", inner: text.slice(start + marker.length, k), end: k + marker.length };
    }
    k += marker.length;
  }
  return null;
}
