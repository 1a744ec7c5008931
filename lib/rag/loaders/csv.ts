import { dsvFormat } from "d3-dsv";
import type { LoadedSection } from "@/lib/rag/loaders/assemble";
import { normalizeText } from "@/lib/text/text-normalize";

/**
 * CSV → one line per row, "header1: value1; header2: value2", so that every row stays
 * self-describing after chunking (a chunk of rows 40–60 still says which column is which).
 * Uses d3-dsv directly: LangChain's CSVLoader wraps the same parser but needs a file path or
 * Blob and emits "header: value" lines per Document, which we would then have to re-join.
 */

/**
 * Parses delimited text into one section per row (the header row is not a section).
 * @example csvToSections("id,value\nAL,阿尔巴尼亚\n", ",") // [{ text: "id: AL; value: 阿尔巴尼亚" }]
 */
export function csvToSections(text: string, delimiter: string): LoadedSection[] {
  const rows = dsvFormat(delimiter).parseRows(text);
  const header = (rows.shift() ?? []).map((cell, i) => normalizeText(cell).replace(/\s+/g, " ") || `column ${i + 1}`);
  const sections: LoadedSection[] = [];
  for (const row of rows) {
    const fields: string[] = [];
    row.forEach((cell, i) => {
      const value = normalizeText(cell).replace(/\s+/g, " ");
      if (value) fields.push(`${header[i] ?? `column ${i + 1}`}: ${value}`);
    });
    if (fields.length > 0) sections.push({ text: fields.join("; ") });
  }
  return sections;
}
