/**
 * Shapes shared by the knowledge-base pipeline: upload → sniff → parse → split → embed → store →
 * retrieve. Parsing and splitting are pure (lib/rag/*); storage and jobs live in lib/db and
 * lib/jobs; retrieval reaches nodes through ctx.retrieve.
 */

import type { FileKind } from "@/lib/db/schema";

/** A parsed file: plain text plus where each part came from (page, section, row). */
export interface ParsedDocument {
  kind: FileKind;
  text: string;
  /** Contiguous parts of `text` in order; `start` is the character offset in `text`. */
  sections: Array<{ start: number; text: string; page?: number; heading?: string }>;
  metadata: Record<string, string | number | boolean>;
}

/** One chunk as the splitter produces it, before embedding. */
export interface ChunkDraft {
  index: number;
  text: string;
  /** Character offset of the chunk's start in the parsed document text. */
  start: number;
  /** The enclosing parent passage (parent-child mode); what the LLM is given. */
  parentText?: string;
  page?: number;
  /** Heading of the section where the chunk starts (Markdown/HTML/DOCX), for previews and citations. */
  heading?: string;
}
