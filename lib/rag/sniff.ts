import { dsvFormat } from "d3-dsv";
import type { FileKind } from "@/lib/db/schema";
import { decodeText } from "@/lib/rag/loaders/decode-text";
import { fileError, unsupportedFile } from "@/lib/rag/loaders/file-errors";
import { listZipEntries, ZipFormatError, type ZipEntry } from "@/lib/rag/loaders/zip-directory";

/**
 * Decides what an uploaded file really is from its bytes. A name can lie (a PNG renamed
 * .txt, a program renamed .pdf); the content cannot, so binary kinds are decided by magic
 * numbers and ZIP directories only, and the extension is just a hint between text kinds
 * (CSV vs Markdown vs plain text).
 */

export interface SniffResult {
  kind: FileKind;
  /** Decoded text for text kinds (markdown, html, text, csv). */
  text?: string;
  encoding?: string;
  /** The ZIP directory of a DOCX, read without decompressing. */
  zipEntries?: ZipEntry[];
  /** The delimiter of a CSV file. */
  delimiter?: string;
}

/** Signatures with a non-printable byte: no text file starts like this. */
const MAGIC: Array<[string, number[], number?]> = [
  ["png", [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]],
  ["jpeg", [0xff, 0xd8, 0xff]],
  ["tiff", [0x49, 0x49, 0x2a, 0x00]],
  ["tiff", [0x4d, 0x4d, 0x00, 0x2a]],
  ["elf", [0x7f, 0x45, 0x4c, 0x46]],
  ["macho", [0xcf, 0xfa, 0xed, 0xfe]],
  ["macho", [0xca, 0xfe, 0xba, 0xbe]],
  ["gzip", [0x1f, 0x8b]],
  ["7z", [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c]],
  ["rar", [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07]],
  ["ole", [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]],
  ["sqlite", [0x53, 0x51, 0x4c, 0x69, 0x74, 0x65, 0x20, 0x66, 0x6f, 0x72, 0x6d, 0x61, 0x74, 0x20, 0x33, 0x00]],
  ["wasm", [0x00, 0x61, 0x73, 0x6d]],
];
/** Printable signatures ("MZ", "BM", "GIF8"): they only name a file that is not text anyway. */
const WEAK_MAGIC: Array<[string, number[], number?]> = [
  ["gif", [0x47, 0x49, 0x46, 0x38]],
  ["exe", [0x4d, 0x5a]],
  ["bmp", [0x42, 0x4d]],
  ["mp3", [0x49, 0x44, 0x33]],
  ["mp4", [0x66, 0x74, 0x79, 0x70], 4],
  ["webp", [0x57, 0x45, 0x42, 0x50], 8],
];

function startsWith(bytes: Uint8Array, magic: number[], at = 0): boolean {
  if (bytes.length < at + magic.length) return false;
  for (let i = 0; i < magic.length; i++) if (bytes[at + i] !== magic[i]) return false;
  return true;
}

function extensionOf(filename?: string): string {
  const match = filename ? /\.([A-Za-z0-9]+)$/.exec(filename.trim()) : null;
  return match ? match[1].toLowerCase() : "";
}

function hasPdfMagic(bytes: Uint8Array): boolean {
  // The PDF spec allows junk before the header; readers look in the first 1 KB.
  const end = Math.min(bytes.length - 5, 1024);
  for (let i = 0; i <= end; i++) {
    if (bytes[i] === 0x25 && bytes[i + 1] === 0x50 && bytes[i + 2] === 0x44 && bytes[i + 3] === 0x46 && bytes[i + 4] === 0x2d) return true;
  }
  return false;
}

function sniffZip(bytes: Uint8Array): SniffResult {
  let entries: ZipEntry[];
  try {
    entries = listZipEntries(bytes);
  } catch (error) {
    if (!(error instanceof ZipFormatError)) throw error;
    throw fileError(
      "FILE_CORRUPT",
      {
        en: "This file looks like a Word (.docx) or ZIP file but it is damaged or incomplete. Open it in Word, save it again and upload the new file.",
        zh: "该文件看起来是 Word（.docx）或 ZIP 文件，但已损坏或不完整。请用 Word 打开后重新保存，再上传新文件。",
      },
      { reason: error.message },
    );
  }
  const names = new Set(entries.map((e) => e.name));
  if (names.has("word/document.xml")) return { kind: "docx", zipEntries: entries };
  if (names.has("xl/workbook.xml")) throw unsupportedFile("xlsx");
  if (names.has("ppt/presentation.xml")) throw unsupportedFile("pptx");
  throw unsupportedFile("zip");
}

const STRONG_HTML = /^(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*)*(<!doctype\s+html|<html[\s>])/i;
const WEAK_HTML = /^(<!--[\s\S]*?-->\s*)*<(head|body|meta|title|div|p|table|h[1-6]|section|article|main|header|span|ul|ol|link|style|script)[\s>/]/i;

/**
 * True when text has Markdown structure: headings plus other Markdown marks, code fences or
 * front matter.
 * @example looksLikeMarkdown("# Title\n\n- item\n- item") // true
 */
export function looksLikeMarkdown(text: string): boolean {
  const sample = text.slice(0, 100_000);
  const headings = sample.match(/^#{1,6}[ \t]+\S/gm)?.length ?? 0;
  const fences = sample.match(/^(```|~~~)/gm)?.length ?? 0;
  const others =
    (sample.match(/^\s*([-*+]|\d+\.)[ \t]+\S/gm)?.length ?? 0) +
    (sample.match(/\[[^\]\n]+\]\([^)\s]+\)/g)?.length ?? 0) +
    (sample.match(/^\|.*\|[ \t]*$/gm)?.length ?? 0) +
    (sample.match(/\*\*[^*\n]+\*\*/g)?.length ?? 0);
  const frontMatter = /^---\n[\s\S]{0,4000}?\n---\n/.test(sample);
  return (headings >= 1 && headings + others >= 3) || fences >= 2 || (frontMatter && headings + others >= 1);
}

/**
 * Finds the delimiter of a consistent delimited table (same column count on ≥ 95 % of rows,
 * at least two columns and two rows), or null.
 * @example tableDelimiter("id,value\nAL,阿尔巴尼亚\n", [","]) // ","
 */
export function tableDelimiter(text: string, candidates: string[], minRows = 2): string | null {
  let sample = text.length > 65_536 ? text.slice(0, 65_536) : text;
  if (sample.length < text.length) sample = sample.slice(0, sample.lastIndexOf("\n") + 1);
  for (const delimiter of candidates) {
    if (!sample.includes(delimiter)) continue;
    const rows = dsvFormat(delimiter)
      .parseRows(sample)
      .filter((row) => !(row.length === 1 && row[0].trim() === ""));
    if (rows.length < minRows || rows[0].length < 2) continue;
    const width = rows[0].length;
    const consistent = rows.filter((row) => row.length === width).length;
    if (consistent >= rows.length * 0.95) return delimiter;
  }
  return null;
}

function classifyText(text: string, ext: string): Pick<SniffResult, "kind" | "delimiter"> {
  const head = text.slice(0, 4096).trimStart();
  if (STRONG_HTML.test(head)) return { kind: "html" };
  if (WEAK_HTML.test(head) && !["md", "markdown", "mdx", "txt", "text"].includes(ext)) return { kind: "html" };
  if (["csv", "tsv"].includes(ext)) {
    const delimiter = tableDelimiter(text, ext === "tsv" ? ["\t"] : [",", ";", "\t"]);
    if (delimiter) return { kind: "csv", delimiter };
  }
  if (["md", "markdown", "mdx"].includes(ext)) return { kind: "markdown" };
  if (looksLikeMarkdown(text)) return { kind: "markdown" };
  if (!["txt", "text", "log"].includes(ext)) {
    const delimiter = tableDelimiter(text, [",", "\t"], 3);
    if (delimiter) return { kind: "csv", delimiter };
  }
  if (["htm", "html", "xhtml"].includes(ext) && /<\/?(p|div|br|h[1-6]|table|span|a)[\s>/]/i.test(head)) return { kind: "html" };
  return { kind: "text" };
}

/**
 * Sniffs a file and, for text kinds, returns the decoded text so it is decoded only once.
 * @example sniffFile(new TextEncoder().encode("# 标题\n\n- 一\n- 二"), "notes.txt").kind // "markdown"
 */
export function sniffFile(bytes: Uint8Array, filename?: string): SniffResult {
  if (bytes.length === 0) {
    throw fileError("FILE_EMPTY", { en: "The file is empty (0 bytes). Check that you picked the right file.", zh: "文件是空的（0 字节），请确认选择了正确的文件。" });
  }
  if (hasPdfMagic(bytes)) return { kind: "pdf" };
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04]) || startsWith(bytes, [0x50, 0x4b, 0x05, 0x06])) return sniffZip(bytes);
  for (const [format, magic, at] of MAGIC) if (startsWith(bytes, magic, at)) throw unsupportedFile(format);
  const decoded = decodeText(bytes);
  if (!decoded) {
    const weak = WEAK_MAGIC.find(([, magic, at]) => startsWith(bytes, magic, at));
    throw unsupportedFile(weak ? weak[0] : "binary");
  }
  if (decoded.text.trim() === "") {
    throw fileError("FILE_EMPTY", { en: "The file contains only blank space, no text.", zh: "文件里只有空白，没有文字。" });
  }
  return { ...classifyText(decoded.text, extensionOf(filename)), text: decoded.text, encoding: decoded.encoding };
}

/**
 * The kind of an uploaded file, decided from its content (see sniffFile). Throws an AppError
 * (FILE_EMPTY, FILE_UNSUPPORTED, FILE_CORRUPT) for files we cannot read.
 * @example sniffFileKind(pngBytes, "notes.txt") // throws FILE_UNSUPPORTED ("This file is a PNG image…")
 */
export function sniffFileKind(bytes: Uint8Array, filename?: string): FileKind {
  return sniffFile(bytes, filename).kind;
}
