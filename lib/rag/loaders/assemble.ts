import type { FileKind } from "@/lib/db/schema";
import type { ParsedDocument } from "@/lib/rag/types";

/** A part of a document before offsets are known: a page, a heading's section, a CSV row. */
export interface LoadedSection {
  text: string;
  page?: number;
  heading?: string;
}

/**
 * Joins loaded sections into one ParsedDocument with exact offsets, so that
 * `doc.text.slice(s.start, s.start + s.text.length) === s.text` for every section. Empty
 * sections are dropped; sections are separated by a blank line (a paragraph break).
 * @example assemble("pdf", [{ text: "一", page: 1 }, { text: "二", page: 2 }], {}).text // "一\n\n二"
 */
export function assemble(kind: FileKind, parts: LoadedSection[], metadata: ParsedDocument["metadata"], separator = "\n\n"): ParsedDocument {
  const sections: ParsedDocument["sections"] = [];
  let text = "";
  for (const part of parts) {
    if (part.text.trim() === "") continue;
    if (text.length > 0) text += separator;
    sections.push({ start: text.length, text: part.text, ...(part.page === undefined ? {} : { page: part.page }), ...(part.heading ? { heading: part.heading } : {}) });
    text += part.text;
  }
  return { kind, text, sections, metadata };
}
