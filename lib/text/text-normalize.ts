/**
 * Text clean-up shared by every loader, so chunk boundaries, offsets and keyword tokens see
 * the same characters whatever the file type: NFC, "\n" line ends, no control characters,
 * single spaces (ideographic spaces inside Chinese text kept as written), paragraphs kept. PDF text also gets its hard line wraps joined and the spaces
 * that extraction puts between Chinese characters removed.
 */

/** Han, kana, CJK punctuation and full-width forms: scripts written without spaces. */
export const CJK_CLASS = "\\p{Script=Han}\\p{Script=Hiragana}\\p{Script=Katakana}\\u3000-\\u303F\\uFF01-\\uFF60\\uFFE0-\\uFFEE";
const CJK_CHAR = new RegExp(`[${CJK_CLASS}]`, "u");
const CJK_SPACES = new RegExp(`([${CJK_CLASS}]) +(?=[${CJK_CLASS}])`, "gu");

// eslint-disable-next-line no-control-regex -- removing control characters is the point.
const DROP = /[\u0000-\u0008\u000E-\u001F\u007F-\u0084\u0086-\u009F\u00AD\u200B\u2060\uFEFF]/g;
const PAGE_BREAKS = /[\f\v\u0085\u2028\u2029]/g;
// The ideographic space (U+3000) is not among them: inside Chinese text it is part of what was
// written (王 U+3000 晶, 第一章 U+3000 总则) and a citation should quote it as written. Only as indentation
// or trailing padding of a line is it dropped, like ASCII spaces.
const SPACES = /[\t\u00A0\u1680\u2000-\u200A\u202F\u205F]/g;
const LINE_EDGE_SPACES = /^[ \u3000]+|[ \u3000]+$/gm;

export interface NormalizeOptions {
  /** Keep leading indentation and runs of spaces (Markdown code blocks). */
  keepIndent?: boolean;
  /** Remove spaces between two CJK characters (PDF extraction artefact). */
  joinCjkSpaces?: boolean;
}

/**
 * Normalises extracted text. Paragraph breaks (blank lines) survive; everything else that
 * only looks different on screen is made the same.
 * @example normalizeText("a\r\n\r\n\r\nb  c\u0000") // "a\n\nb c"
 * @example normalizeText("\u3000\u3000王\u3000晶饰") // "王\u3000晶饰"
 */
export function normalizeText(input: string, options: NormalizeOptions = {}): string {
  let text = input.normalize("NFC").replace(/\r\n?/g, "\n").replace(PAGE_BREAKS, "\n\n").replace(DROP, "");
  if (options.keepIndent) {
    text = text.replace(/\u00A0|\u3000/g, " ").replace(/[ \t]+\n/g, "\n");
  } else {
    text = text.replace(SPACES, " ").replace(/ {2,}/g, " ").replace(LINE_EDGE_SPACES, "");
  }
  if (options.joinCjkSpaces) text = text.replace(CJK_SPACES, "$1");
  text = text.replace(/\n{3,}/g, "\n\n");
  return options.keepIndent ? text.replace(/^\n+|\s+$/g, "") : text.trim();
}

/**
 * True for a character of a script written without spaces (Chinese, Japanese) or full-width
 * punctuation.
 * @example isCjk("中") // true
 */
export function isCjk(char: string): boolean {
  return CJK_CHAR.test(char);
}

/** Lines that start a new block even after a full line: list items, articles, chapters. */
const BLOCK_START = /^(第[一二三四五六七八九十百千零〇\d]+[章节条款编部分]|[-•*·▪●◆■]\s|\d+[.)、．]\s?|[（(][一二三四五六七八九十\d]+[）)]|[一二三四五六七八九十]+、)/u;

function firstWordLength(line: string): number {
  const match = /^\S+/.exec(line);
  if (!match) return 0;
  return isCjk(line[0]) ? 1 : match[0].length;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
}

/**
 * The line width a hard-wrapped text was wrapped at (90th percentile of line lengths), or 0
 * when the lines do not look hard-wrapped (too few, too short, or too few near that width).
 * Pass all lines of a multi-page PDF so that a page of short lines (a table of contents) still
 * gets the document's width.
 * @example wrapWidth(pdfLines) // 30
 */
export function wrapWidth(lines: string[]): number {
  const lengths = lines.map((l) => l.length).filter((n) => n > 0).sort((a, b) => a - b);
  if (lengths.length < 6) return 0;
  const width = percentile(lengths, 0.9);
  if (width < 16) return 0;
  const near = lengths.filter((n) => n >= width * 0.75).length;
  return near < lengths.length * 0.35 ? 0 : width;
}

/**
 * Joins lines that were broken only to fit the page (PDF text, hard-wrapped .txt files) so
 * that a line break means a real paragraph or list boundary again. A line counts as wrapped
 * when the next line's first word would not have fitted on it. Text that is not hard-wrapped
 * (few lines of similar length) is returned unchanged. English words hyphenated across a line
 * break are joined; Chinese lines are joined without a space.
 * @example reflowHardWraps(wrappedLegalText) // "…公平参与市场竞争，…"
 */
export function reflowHardWraps(text: string, width = wrapWidth(text.split("\n"))): string {
  if (width === 0) return text;
  const lines = text.split("\n");
  let out = lines[0];
  for (let i = 0; i < lines.length - 1; i++) {
    const line = lines[i];
    const next = lines[i + 1];
    const last = line[line.length - 1];
    const cjk = last !== undefined && isCjk(last) && next.length > 0 && isCjk(next[0]);
    const needed = line.length + (cjk ? 0 : 1) + firstWordLength(next);
    const wrapped = line.length > 0 && next.length > 0 && needed >= width * 0.85 && !BLOCK_START.test(next);
    if (!wrapped) out += "\n" + next;
    else if (/[a-z]-$/.test(line) && /^[a-z]/.test(next)) out = out.slice(0, -1) + next;
    else out += (cjk ? "" : " ") + next;
  }
  return out;
}
