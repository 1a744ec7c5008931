import { PDFParse } from "pdf-parse";
import { fileError } from "@/lib/rag/loaders/file-errors";
import type { LoadedSection } from "@/lib/rag/loaders/assemble";
import { drawnGlyphs, removeHiddenText, type OperatorListPage } from "@/lib/rag/loaders/pdf-hidden-text";
import { normalizeText, reflowHardWraps, wrapWidth } from "@/lib/rag/text-normalize";

/**
 * PDF → text per page with pdf-parse 2 (pdf.js). Used directly rather than through LangChain's
 * PDFLoader: the loader drops empty pages silently (we must say "scanned, no text"), builds
 * `new Uint8Array(raw.buffer)` (wrong for pooled Node buffers) and hides pdf.js's typed
 * exceptions, which are what tell an encrypted file from a damaged one.
 */

/** Page numbers and running headers/footers: noise in every chunk that contains them. */
const PAGE_NUMBER = /^(?:[-－—–\s]*\d{1,4}[-－—–\s]*|\d{1,4}\s*\/\s*\d{1,4}|第\s*\d+\s*页(?:\s*[，,/]?\s*共\s*\d+\s*页)?|page\s+\d+(?:\s+of\s+\d+)?)$/i;

function edgeKey(line: string): string {
  return line.trim().replace(/\d+/g, "#");
}

/** Removes page-number lines and header/footer lines repeated on most pages. */
function stripPageFurniture(pages: string[][]): string[][] {
  const counts = new Map<string, number>();
  for (const lines of pages) {
    const edges = new Set([...lines.slice(0, 2), ...lines.slice(-2)].map(edgeKey).filter((k) => k.length > 0));
    for (const key of edges) counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const repeated = (line: string) => pages.length >= 3 && (counts.get(edgeKey(line)) ?? 0) >= Math.max(3, pages.length * 0.6);
  return pages.map((lines) => {
    const out = [...lines];
    for (let k = 0; k < 2 && out.length > 0 && (PAGE_NUMBER.test(out[0].trim()) || repeated(out[0])); k++) out.shift();
    for (let k = 0; k < 2 && out.length > 0 && (PAGE_NUMBER.test(out[out.length - 1].trim()) || repeated(out[out.length - 1])); k++) out.pop();
    return out;
  });
}

function pdfError(error: unknown): Error {
  const name = error instanceof Error ? error.name : "";
  if (name === "PasswordException") {
    return fileError("FILE_ENCRYPTED", {
      en: "This PDF is password-protected. Remove the password and upload it again.",
      zh: "该 PDF 有密码保护。请去除密码后重新上传。",
    });
  }
  if (name === "AbortError" || name === "AbortException") return error as Error;
  return fileError(
    "FILE_CORRUPT",
    {
      en: "This PDF is damaged or incomplete and cannot be read. Open it in a PDF reader, save or print it to a new PDF and upload that file.",
      zh: "该 PDF 已损坏或不完整，无法读取。请用 PDF 阅读器打开，另存或打印为新的 PDF 后再上传。",
    },
    { reason: error instanceof Error ? error.message : String(error) },
  );
}

/** pdf-parse keeps its pdf.js document behind a private `load()`; the hidden-text pass needs its pages. */
interface DocumentAccess {
  load(): Promise<{ getPage(num: number): Promise<OperatorListPage & { cleanup(): boolean }> }>;
}

/** Drops the text a reader cannot see (white, invisible, microscopic: see pdf-hidden-text.ts) from each page. */
async function visiblePageTexts(parser: PDFParse, pages: { num: number; text: string }[], signal?: AbortSignal): Promise<string[]> {
  const doc = await (parser as unknown as DocumentAccess).load();
  const texts: string[] = [];
  for (const { num, text } of pages) {
    signal?.throwIfAborted();
    if (text.trim() === "") {
      texts.push(text);
      continue;
    }
    const glyphs = await doc
      .getPage(num)
      .then(async (page) => {
        const drawn = await drawnGlyphs(page);
        page.cleanup();
        return drawn;
      })
      .catch((error: unknown) => {
        throw pdfError(error);
      });
    texts.push(removeHiddenText(text, glyphs));
  }
  return texts;
}

/**
 * Extracts the text a reader can see on every page. Throws FILE_ENCRYPTED, FILE_CORRUPT or FILE_NO_TEXT
 * (a scanned PDF: pages are images and OCR is not supported).
 * @example const { sections } = await loadPdf(bytes) // [{ page: 1, text: "…" }, …]
 */
export async function loadPdf(bytes: Uint8Array, signal?: AbortSignal): Promise<{ sections: LoadedSection[]; metadata: Record<string, string | number> }> {
  // pdf.js may take ownership of (detach) the array it is given; parse a copy.
  // maxImageSize 0: images are never decoded; text extraction and the hidden-text pass ignore them.
  const parser = new PDFParse({ data: new Uint8Array(bytes), verbosity: 0, maxImageSize: 0 });
  try {
    signal?.throwIfAborted();
    const result = await parser.getText({ pageJoiner: "" }).catch((error: unknown) => {
      throw pdfError(error);
    });
    signal?.throwIfAborted();
    const texts = await visiblePageTexts(parser, result.pages, signal);
    const pages = stripPageFurniture(texts.map((text) => normalizeText(text).split("\n")));
    const width = wrapWidth(pages.flat());
    const sections = pages.map((lines, i) => ({
      page: result.pages[i].num,
      text: normalizeText(reflowHardWraps(lines.join("\n"), width), { joinCjkSpaces: true }),
    }));
    if (sections.every((s) => s.text.trim() === "")) {
      throw fileError("FILE_NO_TEXT", {
        en: "This PDF has no text we can read: its pages are probably scanned images. Text recognition (OCR) is not supported; upload a PDF with selectable text, or the original Word file.",
        zh: "该 PDF 中没有可读取的文字，页面可能是扫描的图片。暂不支持文字识别（OCR），请上传可以选中文字的 PDF 或原始 Word 文件。",
      });
    }
    return { sections, metadata: { pages: result.total } };
  } finally {
    await parser.destroy().catch(() => undefined);
  }
}
