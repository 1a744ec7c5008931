import chardet from "chardet";
import iconv from "iconv-lite";

/**
 * Turns the bytes of a text file into a string, or says it is not text. Chinese teams still
 * save GBK/GB18030 (Windows Notepad, Excel CSV export) and Big5 files, and Windows tools write
 * UTF-16 with a BOM; all of them must read as the same characters as a UTF-8 file.
 */

export interface DecodedText {
  text: string;
  encoding: string;
}

/** Control characters that do not occur in real text (tab, newlines and form feed excluded). */
// eslint-disable-next-line no-control-regex -- matching control characters is the point.
const CONTROL = /[\u0000-\u0008\u000B\u000E-\u001F\u007F]/g;

/** Share of control characters above which "text" is really a binary file. */
const CONTROL_SHARE = 0.001;
const CONTROL_ALLOWED = 4;

/**
 * How many characters of `text` are control characters that text files do not contain.
 * @example countControlChars("a\u0000b") // 1
 */
export function countControlChars(text: string): number {
  return text.match(CONTROL)?.length ?? 0;
}

function looksBinary(text: string): boolean {
  const controls = countControlChars(text);
  return controls > CONTROL_ALLOWED && controls > text.length * CONTROL_SHARE;
}

function tryDecoder(label: string, bytes: Uint8Array): string | null {
  try {
    return new TextDecoder(label, { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

/** iconv-lite never throws; a replacement character means the bytes were not in that encoding. */
function tryIconv(encoding: string, bytes: Uint8Array): string | null {
  if (!iconv.encodingExists(encoding)) return null;
  const text = iconv.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), encoding);
  return text.includes("\uFFFD") ? null : text;
}

const CJK_ENCODINGS = ["GB18030", "Big5", "EUC-KR", "Shift_JIS", "EUC-JP"];

/**
 * Decodes text bytes: BOMs first, then strict UTF-8, then the legacy encodings chardet names
 * (GB18030 and Big5 tried before single-byte code pages, which accept any bytes). Returns null
 * when the bytes are not text (a renamed image or program).
 * @example decodeText(iconv.encode("统计法", "gbk"))?.text // "统计法"
 */
export function decodeText(bytes: Uint8Array): DecodedText | null {
  let result: DecodedText | null = null;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    const text = tryDecoder("utf-8", bytes.subarray(3));
    result = text === null ? null : { text, encoding: "UTF-8 (BOM)" };
  } else if (bytes[0] === 0xff && bytes[1] === 0xfe) {
    const text = tryDecoder("utf-16le", bytes.subarray(2));
    result = text === null ? null : { text, encoding: "UTF-16LE" };
  } else if (bytes[0] === 0xfe && bytes[1] === 0xff) {
    const text = tryDecoder("utf-16be", bytes.subarray(2));
    result = text === null ? null : { text, encoding: "UTF-16BE" };
  } else {
    const utf8 = tryDecoder("utf-8", bytes);
    if (utf8 !== null) result = { text: utf8, encoding: "UTF-8" };
    else result = decodeLegacy(bytes);
  }
  if (!result || looksBinary(result.text)) return null;
  return result;
}

function decodeLegacy(bytes: Uint8Array): DecodedText | null {
  // A NUL-rich file without a BOM is binary (or BOM-less UTF-16, which we do not guess at).
  let nuls = 0;
  for (let i = 0; i < Math.min(bytes.length, 65_536); i++) if (bytes[i] === 0) nuls++;
  if (nuls > CONTROL_ALLOWED) return null;
  const sample = bytes.length > 262_144 ? bytes.subarray(0, 262_144) : bytes;
  const ranked = chardet.analyse(sample);
  // Trust chardet when it is sure; when it is not (short texts), Chinese encodings go first:
  // most of our users' legacy files are GBK or Big5, and single-byte code pages accept anything.
  const confident = ranked.filter((m) => m.confidence >= 50).map((m) => m.name);
  const order = [...confident, ...CJK_ENCODINGS.slice(0, 2), ...ranked.map((m) => m.name)];
  const seen = new Set<string>();
  for (const name of order) {
    if (seen.has(name) || name.startsWith("UTF")) continue;
    seen.add(name);
    const text = tryIconv(name, bytes);
    if (text !== null) return { text, encoding: name };
  }
  return null;
}
