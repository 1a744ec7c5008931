import { inflateRawSync } from "node:zlib";
import mammoth from "mammoth";
import { fileError } from "@/lib/rag/loaders/file-errors";
import { htmlToSections } from "@/lib/rag/loaders/html";
import type { LoadedSection } from "@/lib/rag/loaders/assemble";
import { zipTotals, type ZipEntry } from "@/lib/rag/loaders/zip-directory";

/**
 * DOCX → HTML with mammoth → text with headings as sections (mammoth maps Word's Heading
 * styles to <h1>…<h6>). LangChain's DocxLoader calls mammoth.extractRawText, which loses the
 * headings, so mammoth is used directly. Before mammoth inflates anything, the ZIP directory
 * is checked for a zip bomb: declared sizes, compression ratio, entry count; then each XML
 * part is inflated with a hard output cap so a directory that lies about sizes is caught too.
 */

export const DOCX_LIMITS = { maxUncompressed: 200 * 1024 * 1024, maxRatio: 100, maxEntries: 10_000 };

function zipBomb(reason: string): Error {
  return fileError(
    "FILE_ZIP_BOMB",
    {
      en: "This Word file expands to far more data than a real document would (it looks like a \"zip bomb\"), so it was not opened. If it is a genuine document, save it again in Word and upload the new file.",
      zh: "该 Word 文件解压后的数据量远超正常文档（疑似“压缩炸弹”），因此未打开。如果它是正常文档，请用 Word 重新保存后再上传。",
    },
    { reason },
  );
}

const corrupt = (reason: string) =>
  fileError(
    "FILE_CORRUPT",
    {
      en: "This Word file is damaged and cannot be read. Open it in Word, save it again and upload the new file.",
      zh: "该 Word 文件已损坏，无法读取。请用 Word 打开后重新保存，再上传新文件。",
    },
    { reason },
  );

/**
 * Refuses archives whose declared or actual expansion is out of proportion. Media parts are
 * not inflated here because mammoth is told not to read images.
 * @example checkZipBomb(bytes, listZipEntries(bytes)) // throws FILE_ZIP_BOMB for 300 MB of zeros
 */
export function checkZipBomb(bytes: Uint8Array, entries: ZipEntry[], limits = DOCX_LIMITS): void {
  if (entries.length > limits.maxEntries) throw zipBomb(`${entries.length} entries`);
  const totals = zipTotals(entries);
  if (totals.uncompressed > limits.maxUncompressed) throw zipBomb(`declares ${totals.uncompressed} bytes uncompressed`);
  if (totals.ratio > limits.maxRatio && totals.uncompressed > 10 * 1024 * 1024) throw zipBomb(`compression ratio ${totals.ratio.toFixed(0)}`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (const entry of entries) {
    if (entry.method !== 8 || entry.name.startsWith("word/media/")) continue;
    const at = entry.localHeaderOffset;
    if (at + 30 > bytes.length || dv.getUint32(at, true) !== 0x04034b50) throw corrupt(`bad local header for ${entry.name}`);
    const dataStart = at + 30 + dv.getUint16(at + 26, true) + dv.getUint16(at + 28, true);
    const data = bytes.subarray(dataStart, dataStart + entry.compressedSize);
    try {
      inflateRawSync(data, { maxOutputLength: Math.max(1, entry.uncompressedSize) + 1 });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ERR_BUFFER_TOO_LARGE") throw zipBomb(`${entry.name} inflates beyond its declared size`);
      throw corrupt(`${entry.name}: ${(error as Error).message}`);
    }
  }
}

/**
 * Extracts a DOCX's text as sections per heading.
 * @example const { sections } = await loadDocx(bytes, entries) // [{ heading: "第一章 总则", text: "…" }]
 */
export async function loadDocx(bytes: Uint8Array, entries: ZipEntry[]): Promise<{ sections: LoadedSection[]; title?: string }> {
  checkZipBomb(bytes, entries);
  let html: string;
  try {
    const result = await mammoth.convertToHtml(
      { buffer: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) },
      // Images are not read at all: no base64 blobs in the text, no inflating of media parts.
      { convertImage: mammoth.images.imgElement(async () => ({ src: "" })) },
    );
    html = result.value;
  } catch (error) {
    throw corrupt(error instanceof Error ? error.message : String(error));
  }
  return htmlToSections(html);
}
