import { z } from "zod";
import { AppError } from "@/lib/errors";
import { defaultChunking, type ChunkingSettings } from "@/lib/db/schema";
import { type ChunkDraft, type ParsedDocument } from "@/lib/rag/types";
import { bestCut, cannotStartChunk, earliestCut, findBoundaries, isCutOfLevel, Level, skipWhitespace, type Boundaries } from "@/lib/rag/split-boundaries";

/**
 * Recursive size-and-overlap splitting that respects Chinese. Each chunk ends at the best
 * boundary that fits (paragraph, then line, then 。！？；：…, then ". ", then ，、, then space,
 * then any character), so Chinese text is cut at sentence ends even though it has no spaces —
 * the complaint behind Dify #34341/#26780. Our own implementation rather than LangChain's
 * RecursiveCharacterTextSplitter because that one loses offsets (it re-joins pieces and
 * searches for them), can emit chunks that start with 。 or ，, and builds its overlap from
 * arbitrary pieces; here `start` is exact and overlap begins at a sentence where it can.
 */

const label = (en: string, zh: string) => ({ label: { en, zh } });

/** Settings as the UI edits them; the form is generated from this schema's labels. */
export const chunkingSettingsSchema = z
  .object({
    mode: z
      .enum(["general", "parent-child"])
      .default(defaultChunking.mode)
      .meta({ ...label("Chunking mode", "分段模式"), options: { general: { en: "General", zh: "通用" }, "parent-child": { en: "Parent–child", zh: "父子分段" } } }),
    chunkSize: z.number().int().min(50).max(4000).default(defaultChunking.chunkSize).meta(label("Chunk size (characters)", "分段长度（字符）")),
    chunkOverlap: z.number().int().min(0).max(1999).default(defaultChunking.chunkOverlap).meta(label("Overlap (characters)", "分段重叠（字符）")),
    parentSize: z.number().int().min(100).max(20_000).default(defaultChunking.parentSize).meta(label("Parent size (characters)", "父段长度（字符）")),
  })
  .superRefine((value, ctx) => {
    if (value.chunkOverlap * 2 >= value.chunkSize) {
      ctx.addIssue({ code: "custom", path: ["chunkOverlap"], message: "Overlap must be less than half the chunk size / 分段重叠必须小于分段长度的一半" });
    }
    if (value.mode === "parent-child" && value.parentSize <= value.chunkSize) {
      ctx.addIssue({ code: "custom", path: ["parentSize"], message: "The parent size must be larger than the chunk size / 父段长度必须大于分段长度" });
    }
  });

function validSettings(settings: ChunkingSettings): ChunkingSettings {
  const parsed = chunkingSettingsSchema.safeParse(settings);
  if (parsed.success) return parsed.data;
  const detail = parsed.error.issues.map((i) => i.message).join("; ");
  throw new AppError("invalid_chunking_settings", { en: `Invalid chunking settings: ${detail}`, zh: `分段设置无效：${detail}` }, 400, parsed.error.issues);
}

type Span = [start: number, end: number];

/**
 * Cuts text[from, to) into spans of at most `size` characters with about `overlap` characters
 * shared by neighbours. Spans are trimmed of surrounding whitespace.
 */
function splitRange(text: string, b: Boundaries, from: number, to: number, size: number, overlap: number): Span[] {
  const spans: Span[] = [];
  const minLen = Math.floor(size * 0.3);
  let pos = skipWhitespace(text, from, to);
  let prevEnd = pos;
  while (pos < to) {
    let end: number;
    if (to - pos <= size) end = to;
    else {
      const limit = pos + size;
      const lo = Math.max(pos + minLen, prevEnd + 1);
      end = bestCut(b, lo, limit);
      if (end < 0) {
        end = limit;
        // Character cut: never split a surrogate pair, never leave 。，」 to start the next chunk.
        while (end > lo && (cannotStartChunk(text[end]) || isLowSurrogate(text.charCodeAt(end)))) end--;
      }
    }
    let trimmed = end;
    while (trimmed > pos && /\s/.test(text[trimmed - 1])) trimmed--;
    if (trimmed > pos) spans.push([pos, trimmed]);
    if (end >= to) break;
    prevEnd = end;
    let next = skipWhitespace(text, end, to);
    // A paragraph break is a clean cut: the next chunk starts with the new paragraph instead of
    // carrying the previous one's last sentence over (it would also make that chunk belong to the
    // wrong paragraph in citations and in the evaluation's passage attribution).
    if (overlap > 0 && !isCutOfLevel(b, Level.Paragraph, end)) {
      const start = overlapStart(text, b, Math.max(pos + 1, end - overlap), end);
      if (start >= 0) next = start;
    }
    pos = next;
  }
  return spans;
}

const isLowSurrogate = (code: number) => code >= 0xdc00 && code <= 0xdfff;

/** Start of the overlap: the earliest whole sentence/clause/word in [lo, hi), else a character. */
function overlapStart(text: string, b: Boundaries, lo: number, hi: number): number {
  const cut = earliestCut(b, lo, hi);
  if (cut >= 0) {
    const start = skipWhitespace(text, cut, hi);
    if (start < hi) return start;
  }
  let s = lo;
  while (s < hi && (cannotStartChunk(text[s]) || /\s/.test(text[s]) || isLowSurrogate(text.charCodeAt(s)))) s++;
  return s < hi ? s : -1;
}

function draftsFor(text: string, settings: ChunkingSettings): Array<ChunkDraft & { end: number }> {
  const s = validSettings(settings);
  const b = findBoundaries(text);
  const drafts: Array<ChunkDraft & { end: number }> = [];
  const push = (span: Span, parent?: Span) =>
    drafts.push({ index: drafts.length, text: text.slice(span[0], span[1]), start: span[0], end: span[1], ...(parent ? { parentText: text.slice(parent[0], parent[1]) } : {}) });
  if (s.mode === "general") {
    for (const span of splitRange(text, b, 0, text.length, s.chunkSize, s.chunkOverlap)) push(span);
  } else {
    for (const parent of splitRange(text, b, 0, text.length, s.parentSize, 0)) {
      for (const child of splitRange(text, b, parent[0], parent[1], s.chunkSize, s.chunkOverlap)) push(child, parent);
    }
  }
  return drafts;
}

/**
 * Splits plain text into chunks; `start` is the chunk's exact offset in `text`.
 * @example splitText("第一条 …。第二条 …。", defaultChunking)[0].start // 0
 */
export function splitText(text: string, settings: ChunkingSettings): ChunkDraft[] {
  return draftsFor(text, settings).map(({ end: _end, ...draft }) => draft);
}

/**
 * Splits a parsed document; each chunk carries the page (and heading) of the section where it
 * starts, so citations can say "page 3".
 * @example splitDocument(await parseFile(pdfBytes, {}), defaultChunking)[0].page // 1
 */
export function splitDocument(doc: ParsedDocument, settings: ChunkingSettings): ChunkDraft[] {
  const sections = doc.sections;
  let k = 0;
  return draftsFor(doc.text, settings).map(({ end: _end, ...draft }) => {
    // Chunks come in ascending start order within a parent; restart the scan when a child goes back.
    if (k > 0 && sections[k].start > draft.start) k = 0;
    while (k + 1 < sections.length && sections[k + 1].start <= draft.start) k++;
    const section = sections[k];
    if (section?.page !== undefined) draft.page = section.page;
    if (section?.heading) draft.heading = section.heading;
    return draft;
  });
}
