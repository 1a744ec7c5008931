import { readFile } from "node:fs/promises";
import path from "node:path";
import { AppError } from "@/lib/errors";

/**
 * Reading an evaluation set (the format of /work/shared/eval: corpus.jsonl + queries.jsonl) and
 * turning it into what a person would upload: the passages of one article (same title) joined
 * into one document, blank lines between them, with each passage's start offset remembered so
 * that retrieved chunks can be mapped back to the passage where they start.
 */

export interface Passage {
  id: string;
  title: string;
  text: string;
}

export interface EvalQuery {
  id: string;
  question: string;
  answers: string[];
  goldIds: string[];
}

/** One uploaded document: its text and where each passage starts in it. */
export interface EvalDocument {
  name: string;
  text: string;
  passages: Array<{ id: string; start: number }>;
}

const badSet = (file: string, line: number, why: { en: string; zh: string }) =>
  new AppError("EVAL_SET_INVALID", { en: `${file}, line ${line}: ${why.en}`, zh: `${file} 第 ${line} 行：${why.zh}` }, 400);

function parseLines<T>(file: string, raw: string, check: (value: Record<string, unknown>, line: number) => T): T[] {
  const out: T[] = [];
  raw.split("\n").forEach((line, i) => {
    if (!line.trim()) return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw badSet(file, i + 1, { en: "not valid JSON.", zh: "不是合法的 JSON。" });
    }
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      throw badSet(file, i + 1, { en: "expected a JSON object.", zh: "应为 JSON 对象。" });
    }
    out.push(check(value as Record<string, unknown>, i + 1));
  });
  return out;
}

const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === "string");

/**
 * Parses corpus.jsonl and queries.jsonl texts (exported for tests; the command reads files).
 * @example const { passages, queries } = parseEvalSet(corpusText, queriesText);
 */
export function parseEvalSet(corpusText: string, queriesText: string): { passages: Passage[]; queries: EvalQuery[] } {
  const passages = parseLines("corpus.jsonl", corpusText, (v, line) => {
    if (typeof v.id !== "string" || typeof v.text !== "string") {
      throw badSet("corpus.jsonl", line, { en: 'needs string fields "id" and "text".', zh: "需要字符串字段“id”和“text”。" });
    }
    return { id: v.id, title: typeof v.title === "string" ? v.title : v.id, text: v.text };
  });
  const queries = parseLines("queries.jsonl", queriesText, (v, line) => {
    if (typeof v.question !== "string" || !isStrings(v.answers) || !isStrings(v.gold_ids)) {
      throw badSet("queries.jsonl", line, {
        en: 'needs "question" (string), "answers" and "gold_ids" (lists of strings).',
        zh: "需要“question”（字符串）、“answers”和“gold_ids”（字符串列表）。",
      });
    }
    return { id: typeof v.id === "string" ? v.id : String(line), question: v.question, answers: v.answers, goldIds: v.gold_ids };
  });
  if (passages.length === 0) throw badSet("corpus.jsonl", 1, { en: "no passages.", zh: "没有任何段落。" });
  if (queries.length === 0) throw badSet("queries.jsonl", 1, { en: "no queries.", zh: "没有任何问题。" });
  return { passages, queries };
}

/**
 * Reads <dir>/corpus.jsonl and <dir>/queries.jsonl, with a clear error when either is missing.
 * @example const set = await readEvalSet("/work/shared/eval/cmrc2018_trial_zh");
 */
export async function readEvalSet(dir: string): Promise<{ passages: Passage[]; queries: EvalQuery[] }> {
  const read = async (name: string) => {
    try {
      return await readFile(path.join(dir, name), "utf8");
    } catch {
      throw new AppError(
        "EVAL_SET_MISSING",
        { en: `Cannot read ${name} in ${dir}: an evaluation folder holds corpus.jsonl and queries.jsonl.`, zh: `无法读取 ${dir} 中的 ${name}：评测目录应包含 corpus.jsonl 和 queries.jsonl。` },
        400,
      );
    }
  };
  return parseEvalSet(await read("corpus.jsonl"), await read("queries.jsonl"));
}

/** The separator between passages of one article: a paragraph break. */
export const PASSAGE_SEPARATOR = "\n\n";

/**
 * Joins passages sharing a title into one document (first-seen order of titles and passages).
 * @example groupIntoDocuments(passages)[0] // { name: "Beyoncé.txt", text: "p1\n\np2", passages: [{ id, start: 0 }, { id, start: 4 }] }
 */
export function groupIntoDocuments(passages: Passage[]): EvalDocument[] {
  const byTitle = new Map<string, Passage[]>();
  for (const p of passages) byTitle.set(p.title, [...(byTitle.get(p.title) ?? []), p]);
  return [...byTitle].map(([title, group]) => {
    let text = "";
    const starts: EvalDocument["passages"] = [];
    for (const p of group) {
      if (text) text += PASSAGE_SEPARATOR;
      starts.push({ id: p.id, start: text.length });
      text += p.text;
    }
    return { name: `${title.replace(/[\\/]/g, "_").slice(0, 200)}.txt`, text, passages: starts };
  });
}

/**
 * Passage starts in the text the parser produced (which normalises whitespace, so offsets can
 * shift): each passage is looked up, in order, from where the previous one was found.
 * @example relocatePassages(doc, parsed.text, normalizeText)
 */
export function relocatePassages(doc: EvalDocument, parsedText: string, normalize: (s: string) => string, originals: Map<string, string>): EvalDocument["passages"] {
  let from = 0;
  return doc.passages.map((p) => {
    const probe = normalize(originals.get(p.id) ?? "").slice(0, 40);
    const at = probe ? parsedText.indexOf(probe, from) : -1;
    const start = at >= 0 ? at : from;
    from = start + 1;
    return { id: p.id, start };
  });
}

/**
 * The passage a chunk starts in: the last passage starting at or before the chunk's offset.
 * @example passageAt([{ id: "a", start: 0 }, { id: "b", start: 100 }], 120) // "b"
 */
export function passageAt(passages: EvalDocument["passages"], offset: number): string | undefined {
  let lo = 0;
  let hi = passages.length - 1;
  let found: string | undefined;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (passages[mid].start <= offset) {
      found = passages[mid].id;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}
