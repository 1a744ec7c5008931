import { AppError } from "@/lib/errors";
import type { Localized } from "@/lib/i18n/locale";

/**
 * Why an uploaded file was refused. The codes are stable: the ingestion job stores them per
 * file and the UI shows `messageIn(locale)` next to the file name, so the wording is for the
 * person who uploaded the file, not for a programmer.
 */
export const fileErrorCodes = [
  "FILE_EMPTY",
  "FILE_TOO_LARGE",
  "FILE_UNSUPPORTED",
  "FILE_CORRUPT",
  "FILE_ENCRYPTED",
  "FILE_NO_TEXT",
  "FILE_ZIP_BOMB",
  "FILE_TOO_COMPLEX",
] as const;
export type FileErrorCode = (typeof fileErrorCodes)[number];

const statusByCode: Record<FileErrorCode, number> = {
  FILE_EMPTY: 400,
  FILE_TOO_LARGE: 413,
  FILE_UNSUPPORTED: 415,
  FILE_CORRUPT: 400,
  FILE_ENCRYPTED: 400,
  FILE_NO_TEXT: 400,
  FILE_ZIP_BOMB: 413,
  FILE_TOO_COMPLEX: 422,
};

/**
 * Builds the AppError for a refused file, with the HTTP status that belongs to its code.
 * @example throw fileError("FILE_EMPTY", { en: "The file is empty.", zh: "文件是空的。" })
 */
export function fileError(code: FileErrorCode, message: Localized, details?: Record<string, unknown>): AppError {
  return new AppError(code, message, statusByCode[code], details);
}

/** Names of the binary formats we recognise, so a refusal can say what the file really is. */
export const binaryFormatNames: Record<string, Localized> = {
  png: { en: "a PNG image", zh: "PNG 图片" },
  jpeg: { en: "a JPEG image", zh: "JPEG 图片" },
  gif: { en: "a GIF image", zh: "GIF 图片" },
  webp: { en: "a WebP image", zh: "WebP 图片" },
  bmp: { en: "a BMP image", zh: "BMP 图片" },
  tiff: { en: "a TIFF image", zh: "TIFF 图片" },
  elf: { en: "a program (ELF executable)", zh: "程序文件（ELF 可执行文件）" },
  exe: { en: "a Windows program (.exe/.dll)", zh: "Windows 程序（.exe/.dll）" },
  macho: { en: "a macOS program", zh: "macOS 程序" },
  gzip: { en: "a gzip archive", zh: "gzip 压缩包" },
  "7z": { en: "a 7-Zip archive", zh: "7-Zip 压缩包" },
  rar: { en: "a RAR archive", zh: "RAR 压缩包" },
  zip: { en: "a ZIP archive", zh: "ZIP 压缩包" },
  xlsx: { en: "an Excel workbook (.xlsx)", zh: "Excel 工作簿（.xlsx）" },
  pptx: { en: "a PowerPoint presentation (.pptx)", zh: "PowerPoint 演示文稿（.pptx）" },
  ole: { en: "an old Office file (.doc/.xls/.ppt)", zh: "旧版 Office 文件（.doc/.xls/.ppt）" },
  mp3: { en: "an audio file", zh: "音频文件" },
  mp4: { en: "a video file", zh: "视频文件" },
  sqlite: { en: "a SQLite database", zh: "SQLite 数据库文件" },
  wasm: { en: "a WebAssembly module", zh: "WebAssembly 模块" },
  binary: { en: "a binary file", zh: "二进制文件" },
};

const supportedList: Localized = {
  en: "Supported types are PDF, Word (.docx), Markdown, HTML, plain text and CSV.",
  zh: "支持的类型：PDF、Word（.docx）、Markdown、HTML、纯文本和 CSV。",
};

/**
 * The refusal for content we do not read, naming what it looks like when we know.
 * @example throw unsupportedFile("png") // "This file is a PNG image, not a document we can read. …"
 */
export function unsupportedFile(format: string): AppError {
  const name = binaryFormatNames[format] ?? binaryFormatNames.binary;
  const hint: Localized =
    format === "ole"
      ? { en: " Save it as .docx (Word) or PDF and upload it again.", zh: "请另存为 .docx（Word）或 PDF 后重新上传。" }
      : format === "xlsx"
        ? { en: " Save the sheet as CSV and upload it again.", zh: "请把表格另存为 CSV 后重新上传。" }
        : { en: "", zh: "" };
  return fileError(
    "FILE_UNSUPPORTED",
    {
      en: `This file is ${name.en}, not a document we can read. ${supportedList.en}${hint.en}`,
      zh: `该文件是${name.zh}，不是可以读取的文档。${supportedList.zh}${hint.zh}`,
    },
    { detected: format },
  );
}
