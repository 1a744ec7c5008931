import type { ParsedDocument } from "@/lib/rag/types";
import { sniffFile } from "@/lib/rag/sniff";
import { assemble, type LoadedSection } from "@/lib/rag/loaders/assemble";
import { csvToSections } from "@/lib/rag/loaders/csv";
import { loadDocx } from "@/lib/rag/loaders/docx";
import { fileError } from "@/lib/rag/loaders/file-errors";
import { htmlToSections } from "@/lib/rag/loaders/html";
import { markdownToSections } from "@/lib/rag/loaders/markdown";
import { loadPdf } from "@/lib/rag/loaders/pdf";
import { normalizeText, reflowHardWraps } from "@/lib/text/text-normalize";

/**
 * One entry point from uploaded bytes to normalised text with sections: size check, content
 * sniffing, the loader for the kind, then one ParsedDocument whose section offsets are exact.
 * Every refusal is an AppError with a stable FILE_* code and an en+zh message for the person
 * who uploaded the file, so one bad file in a batch is reported and the others go on.
 */

/** Default per-file limit (50 MB); the knowledge-base settings may pass another. */
export const DEFAULT_MAX_BYTES = 50 * 1024 * 1024;

const MID_SENTENCE_PAGE_BREAK = /([\p{Script=Han}，、])[ \t]*(?:\r?\n[ \t]*)*\f(?:[ \t]*\r?\n)*[ \t]*(?=\p{Script=Han})/gu;

const mb = (n: number) => `${(n / 1024 / 1024).toFixed(n < 10 * 1024 * 1024 ? 1 : 0)} MB`;

/**
 * Parses an uploaded file. Throws AppError FILE_TOO_LARGE (413), FILE_EMPTY, FILE_CORRUPT,
 * FILE_ENCRYPTED, FILE_NO_TEXT, FILE_ZIP_BOMB (400/413), FILE_TOO_COMPLEX (422: a PDF too slow or
 * too big to read) or FILE_UNSUPPORTED (415); rethrows
 * the signal's reason when aborted.
 * @example const doc = await parseFile(bytes, { filename: "统计法.docx" }) // doc.kind === "docx"
 */
export async function parseFile(bytes: Uint8Array, opts: { filename?: string; maxBytes?: number; signal?: AbortSignal } = {}): Promise<ParsedDocument> {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  if (bytes.byteLength > maxBytes) {
    throw fileError(
      "FILE_TOO_LARGE",
      {
        en: `This file is ${mb(bytes.byteLength)}, larger than the ${mb(maxBytes)} limit. Split it into smaller files and upload them separately.`,
        zh: `该文件大小为 ${mb(bytes.byteLength)}，超过了 ${mb(maxBytes)} 的上限。请拆分成较小的文件后分别上传。`,
      },
      { size: bytes.byteLength, limit: maxBytes },
    );
  }
  opts.signal?.throwIfAborted();
  const sniffed = sniffFile(bytes, opts.filename);
  const metadata: ParsedDocument["metadata"] = { bytes: bytes.byteLength };
  if (sniffed.encoding) metadata.encoding = sniffed.encoding;
  let sections: LoadedSection[];
  let separator = "\n\n";
  switch (sniffed.kind) {
    case "pdf": {
      const pdf = await loadPdf(bytes, opts.signal);
      sections = pdf.sections;
      Object.assign(metadata, pdf.metadata);
      break;
    }
    case "docx": {
      const docx = await loadDocx(bytes, sniffed.zipEntries ?? []);
      sections = docx.sections;
      break;
    }
    case "html": {
      const html = htmlToSections(sniffed.text ?? "");
      sections = html.sections;
      if (html.title) metadata.title = html.title;
      break;
    }
    case "markdown": {
      const md = markdownToSections(sniffed.text ?? "");
      sections = md.sections;
      if (md.title) metadata.title = md.title;
      break;
    }
    case "csv": {
      sections = csvToSections(sniffed.text ?? "", sniffed.delimiter ?? ",");
      separator = "\n";
      metadata.rows = sections.length;
      break;
    }
    case "text": {
      // Text saved from a PDF keeps its page breaks (form feeds), often mid-sentence in Chinese.
      const joined = (sniffed.text ?? "").replace(MID_SENTENCE_PAGE_BREAK, "$1");
      sections = [{ text: normalizeText(reflowHardWraps(normalizeText(joined))) }];
      break;
    }
  }
  opts.signal?.throwIfAborted();
  const doc = assemble(sniffed.kind, sections, metadata, separator);
  if (doc.text.trim() === "") {
    throw sniffed.kind === "docx" || sniffed.kind === "html"
      ? fileError("FILE_NO_TEXT", { en: "This document contains no text (only images or empty pages). Text recognition (OCR) is not supported.", zh: "该文档中没有文字（只有图片或空白页），暂不支持文字识别（OCR）。" })
      : fileError("FILE_EMPTY", { en: "The file contains no readable text.", zh: "文件中没有可读取的文字。" });
  }
  doc.metadata.characters = doc.text.length;
  return doc;
}
