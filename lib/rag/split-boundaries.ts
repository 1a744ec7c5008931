/**
 * Where a chunk may end, found in one pass over the text and ranked: paragraph break, line
 * break, Chinese sentence end (。！？；：……), English sentence end, clause mark (，、, ;),
 * space. Closing quotes and brackets stay with the sentence they close, and no boundary is
 * recorded if the next chunk would begin with closing or ending punctuation. Precomputing the
 * boundaries once makes each cut a binary search, which keeps splitting far from being the
 * ingestion bottleneck.
 */

export const LEVELS = 6;
export const Level = { Paragraph: 0, Line: 1, CjkSentence: 2, Sentence: 3, Clause: 4, Space: 5 } as const;
export type Level = (typeof Level)[keyof typeof Level];

/** Marks a chunk must never start with: closers and sentence/clause punctuation. */
const NO_START_CHARS = "。，！？；：、」』）)】》〉〕］]}”’…,.!?;:%％·～";
const CLOSER_CHARS = "”’」』）)】》〉〕］]}\"'";
const CJK_END_CHARS = "。！？；：…｡";
const EN_END_CHARS = "!?.";

// One byte of flags per BMP code unit: the scan below reads a table instead of probing sets.
const NO_START = 1;
const CLOSER = 2;
const CJK_END = 4;
const EN_END = 8;
const CLAUSE_FULL = 16;
const CLAUSE_ASCII = 32;
const WS = 64;
const FLAGS = new Uint8Array(65_536);
const mark = (chars: string, flag: number) => {
  for (const ch of chars) FLAGS[ch.charCodeAt(0)] |= flag;
};
mark(NO_START_CHARS, NO_START);
mark(CLOSER_CHARS, CLOSER);
mark(CJK_END_CHARS, CJK_END);
mark(EN_END_CHARS, EN_END);
mark("，、", CLAUSE_FULL);
mark(",;", CLAUSE_ASCII);
mark(" \n\t\r\f", WS);

/**
 * True when a chunk may not begin with this character.
 * @example cannotStartChunk("，") // true
 */
export function cannotStartChunk(char: string | undefined): boolean {
  return char !== undefined && (FLAGS[char.charCodeAt(0)] & NO_START) !== 0;
}

/** Position of the first non-whitespace character at or after `from` (or `to`). */
export function skipWhitespace(text: string, from: number, to = text.length): number {
  let i = from;
  while (i < to && (FLAGS[text.charCodeAt(i)] & WS) !== 0) i++;
  return i;
}

/** Ranked cut positions of a text: `levels[l]` is sorted ascending. A cut `c` ends a chunk before index c. */
export interface Boundaries {
  levels: Int32Array[];
}

/**
 * Scans the text once and returns every permitted cut, ranked.
 * @example findBoundaries("甲。乙，丙").levels[2] // Int32Array [2]
 */
export function findBoundaries(text: string): Boundaries {
  const found: number[][] = Array.from({ length: LEVELS }, () => []);
  const n = text.length;
  const record = (level: Level, cut: number) => {
    const next = skipWhitespace(text, cut);
    if (next < n && (FLAGS[text.charCodeAt(next)] & NO_START) === 0) found[level].push(cut);
  };
  let i = 0;
  while (i < n) {
    const code = text.charCodeAt(i);
    const flags = FLAGS[code];
    if (flags === 0) {
      i++;
      continue;
    }
    if (code === 10) {
      let j = i;
      let newlines = 0;
      while (j < n && (FLAGS[text.charCodeAt(j)] & WS) !== 0) newlines += text.charCodeAt(j++) === 10 ? 1 : 0;
      record(newlines >= 2 ? Level.Paragraph : Level.Line, i);
      i = j;
    } else if (flags & CJK_END) {
      let j = i + 1;
      while (j < n && FLAGS[text.charCodeAt(j)] & (CJK_END | EN_END | CLOSER)) j++;
      record(Level.CjkSentence, j);
      i = j;
    } else if (flags & EN_END) {
      let j = i + 1;
      while (j < n && FLAGS[text.charCodeAt(j)] & (EN_END | CLOSER)) j++;
      const after = text.charCodeAt(j);
      if (j >= n || after === 32 || after === 10) record(Level.Sentence, j);
      i = j;
    } else if (flags & CLAUSE_FULL || (flags & CLAUSE_ASCII && text.charCodeAt(i + 1) === 32)) {
      let j = i + 1;
      while (j < n && FLAGS[text.charCodeAt(j)] & CLOSER) j++;
      record(Level.Clause, j);
      i = j;
    } else {
      if (code === 32) record(Level.Space, i);
      i++;
    }
  }
  return { levels: found.map((list) => Int32Array.from(list)) };
}

/** Index of the last element ≤ value, or -1. */
function lastAtMost(list: Int32Array, value: number): number {
  let lo = 0;
  let hi = list.length - 1;
  let best = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid] <= value) {
      best = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return best;
}

/**
 * The highest-ranked cut in [lo, hi], preferring the last one of that rank (fullest chunk).
 * @example bestCut(findBoundaries(text), 90, 300) // e.g. the last 。 before 300
 */
export function bestCut(b: Boundaries, lo: number, hi: number): number {
  for (const list of b.levels) {
    const k = lastAtMost(list, hi);
    if (k >= 0 && list[k] >= lo) return list[k];
  }
  return -1;
}

/**
 * The highest-ranked cut in [lo, hi), preferring the earliest (the longest overlap that still
 * begins with a whole sentence or clause). Spaces count, character positions do not.
 * @example earliestCut(findBoundaries(text), 250, 300)
 */
export function earliestCut(b: Boundaries, lo: number, hi: number): number {
  for (const list of b.levels) {
    const k = lastAtMost(list, lo - 1) + 1;
    if (k < list.length && list[k] < hi) return list[k];
  }
  return -1;
}

/**
 * Whether `pos` is a cut of exactly this level.
 * @example isCutOfLevel(findBoundaries("甲。\n\n乙"), Level.Paragraph, 2) // true
 */
export function isCutOfLevel(b: Boundaries, level: Level, pos: number): boolean {
  const list = b.levels[level];
  const k = lastAtMost(list, pos);
  return k >= 0 && list[k] === pos;
}
