/**
 * What a chunk is indexed under besides its own words: the name of its document and the heading
 * of its section. A chunk cut from the middle of an article rarely repeats the article's subject
 * ("它的别名…", "She married…"), yet questions name it ("猴面包树的别名是什么？", "Whom did
 * Beyoncé marry?"); without the subject, the article's opening chunk — the one that repeats the
 * name most — wins such questions. LlamaIndex puts file names into embedded text by default and
 * "contextual retrieval" prepends a summary for the same reason.
 *
 * Only the index sees this: keywords and the embedded text. The chunk shown, cited and given to
 * the model stays exactly the document's text.
 * (Its effect on the eval sets: docs/benchmarks.md.)
 */

/** File extensions a document name may end with (ours, and what people commonly upload). */
const EXTENSION = /\.(pdf|docx?|md|markdown|html?|txt|text|csv|tsv|json|rtf)$/i;

/** A name longer than this is cut: a 255-character file name would otherwise outweigh a short
 *  chunk's own words in BM25's length normalisation. */
const MAX_SUBJECT = 80;

/**
 * The subject a document's name gives: the name without its extension, underscores as spaces,
 * at most 80 characters.
 * @example documentSubject("2024_年度报告.pdf") // "2024 年度报告"
 * @example documentSubject("Beyoncé.txt") // "Beyoncé"
 */
export function documentSubject(name: string): string {
  const subject = name.replace(EXTENSION, "").replace(/_+/g, " ").replace(/\s+/g, " ").trim();
  return Array.from(subject).slice(0, MAX_SUBJECT).join("").trim();
}

/**
 * The text a chunk is indexed as: the document's subject, the section heading when it says more,
 * then the chunk.
 * @example indexedChunkText({ text: "又名猢狲树…" }, "猴面包树") // "猴面包树\n又名猢狲树…"
 */
export function indexedChunkText(chunk: { text: string; heading?: string | null }, subject: string): string {
  const lines: string[] = [];
  if (subject) lines.push(subject);
  const heading = chunk.heading?.trim();
  if (heading && heading !== subject && !chunk.text.startsWith(heading)) lines.push(heading);
  lines.push(chunk.text);
  return lines.join("\n");
}
