/**
 * Reads a ZIP file's central directory without decompressing anything. DOCX files are ZIP
 * archives; knowing the entry names and declared sizes first lets us tell a Word file from an
 * Excel file and refuse a zip bomb before a single byte is inflated.
 */

export interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  uncompressedSize: number;
  /** Offset of the entry's local header in the archive. */
  localHeaderOffset: number;
}

const EOCD_SIG = 0x06054b50;
const CDH_SIG = 0x02014b50;
const ZIP64_LOCATOR_SIG = 0x07064b50;
const ZIP64_EOCD_SIG = 0x06064b50;
const MAX_U32 = 0xffffffff;

/** Thrown (as a plain value) when the bytes are not a readable ZIP directory. */
export class ZipFormatError extends Error {}

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function findEndOfCentralDirectory(dv: DataView): number {
  // The EOCD record is 22 bytes plus a comment of at most 65535 bytes, at the very end.
  const min = Math.max(0, dv.byteLength - 22 - 0xffff);
  for (let i = dv.byteLength - 22; i >= min; i--) {
    if (dv.getUint32(i, true) === EOCD_SIG) return i;
  }
  return -1;
}

function readBig(dv: DataView, offset: number): number {
  const value = dv.getBigUint64(offset, true);
  return value > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(value);
}

/**
 * Lists the entries of a ZIP archive from its central directory (ZIP64 included).
 * @example listZipEntries(docxBytes).some((e) => e.name === "word/document.xml") // true
 */
export function listZipEntries(bytes: Uint8Array): ZipEntry[] {
  if (bytes.byteLength < 22) throw new ZipFormatError("too short for a ZIP archive");
  const dv = view(bytes);
  const eocd = findEndOfCentralDirectory(dv);
  if (eocd < 0) throw new ZipFormatError("no end-of-central-directory record");
  let count = dv.getUint16(eocd + 10, true);
  let cdOffset = dv.getUint32(eocd + 16, true);
  if ((cdOffset === MAX_U32 || count === 0xffff) && eocd >= 20 && dv.getUint32(eocd - 20, true) === ZIP64_LOCATOR_SIG) {
    const z64 = readBig(dv, eocd - 20 + 8);
    if (z64 + 56 > dv.byteLength || dv.getUint32(z64, true) !== ZIP64_EOCD_SIG) throw new ZipFormatError("bad ZIP64 record");
    count = readBig(dv, z64 + 32);
    cdOffset = readBig(dv, z64 + 48);
  }
  if (cdOffset > dv.byteLength) throw new ZipFormatError("central directory outside the file");
  const entries: ZipEntry[] = [];
  const decoder = new TextDecoder("utf-8");
  let p = cdOffset;
  for (let i = 0; i < count; i++) {
    if (p + 46 > dv.byteLength || dv.getUint32(p, true) !== CDH_SIG) throw new ZipFormatError("truncated central directory");
    const method = dv.getUint16(p + 10, true);
    let compressedSize = dv.getUint32(p + 20, true);
    let uncompressedSize = dv.getUint32(p + 24, true);
    const nameLen = dv.getUint16(p + 28, true);
    const extraLen = dv.getUint16(p + 30, true);
    const commentLen = dv.getUint16(p + 32, true);
    let localHeaderOffset = dv.getUint32(p + 42, true);
    if (p + 46 + nameLen + extraLen > dv.byteLength) throw new ZipFormatError("truncated entry");
    const name = decoder.decode(bytes.subarray(p + 46, p + 46 + nameLen));
    // ZIP64 extended sizes live in extra field 0x0001, in this order, only for the fields set to 0xFFFFFFFF.
    let e = p + 46 + nameLen;
    const extraEnd = e + extraLen;
    while (e + 4 <= extraEnd) {
      const id = dv.getUint16(e, true);
      const size = dv.getUint16(e + 2, true);
      if (id === 0x0001) {
        let q = e + 4;
        if (uncompressedSize === MAX_U32 && q + 8 <= extraEnd) {
          uncompressedSize = readBig(dv, q);
          q += 8;
        }
        if (compressedSize === MAX_U32 && q + 8 <= extraEnd) {
          compressedSize = readBig(dv, q);
          q += 8;
        }
        if (localHeaderOffset === MAX_U32 && q + 8 <= extraEnd) localHeaderOffset = readBig(dv, q);
      }
      e += 4 + size;
    }
    entries.push({ name, method, compressedSize, uncompressedSize, localHeaderOffset });
    p = extraEnd + commentLen;
  }
  return entries;
}

/** Declared totals of an archive, the numbers a zip-bomb check looks at. */
export function zipTotals(entries: ZipEntry[]): { compressed: number; uncompressed: number; ratio: number } {
  let compressed = 0;
  let uncompressed = 0;
  for (const entry of entries) {
    compressed += entry.compressedSize;
    uncompressed += entry.uncompressedSize;
  }
  return { compressed, uncompressed, ratio: uncompressed / Math.max(1, compressed) };
}
