// @ts-check
/**
 * PDF worker thread: reads PDFs with pdf-parse 2 (pdf.js), one at a time, and answers with each
 * one's pages' text and drawn glyphs. lib/rag/loaders/pdf.ts keeps a finished thread warm for the
 * next PDF for a while and kills a thread that fails, times out or is aborted.
 *
 * Why a thread: importing pdf.js installs core-js polyfills for the whole realm — it replaces
 * Array.prototype.push, JSON.parse, Function.prototype.toString, AbortSignal, DOMException and
 * MessageChannel, and adds navigator, DOMMatrix, Path2D, pdfjsLib… In the server that would put a
 * JavaScript polyfill under every `push` and let other libraries see a different AbortSignal.
 * Here they stay inside this thread. The thread also gets its own heap limit and can be killed
 * when a PDF takes too long, so a PDF bomb costs one thread, not the server.
 * Why plain JavaScript: worker_threads load this file directly, under Next.js, tsx and vitest
 * alike, without a TypeScript loader.
 *
 * Protocol: per PDF a message `{ data: Uint8Array }` (its buffer transferred); one message back,
 * `{ total, pages: [{ num, text, glyphs: [{ text, hidden }] }] }` (glyph texts already passed
 * through normalizeUnicode, blank pages with no glyphs) or `{ error: { name, message } }` with
 * pdf.js's exception name (PasswordException, InvalidPDFException, FormatError…).
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parentPort } from "node:worker_threads";
import { PDFParse } from "pdf-parse";
import { normalizeUnicode, OPS } from "pdfjs-dist/legacy/build/pdf.mjs";

/**
 * Hidden PDF text (checklist C19): text a reader never sees but an extractor reads, the classic
 * carrier for prompt injection in a "harmless" document. pdf.js's text content has no colour or
 * render mode, so we walk the page's operator list and mark every glyph drawn invisibly; the
 * server then deletes those glyphs from the page text by aligning both sequences
 * (removeHiddenText in ./pdf-hidden-text.ts).
 *
 * Hidden means: render mode 3 (invisible) or 7 (clip only); every channel the render mode paints
 * (fill, stroke) is white or near-white (each RGB byte ≥ 242 after pdf.js converts gray/CMYK/RGB,
 * i.e. ≥ 0.95), fully transparent (setFillTransparent, ExtGState ca/CA ≤ 0.05); or a font
 * size ≤ 0.5 pt once the text and current transformation matrices are applied. Text whose origin
 * lies outside the crop box is already left out of the text content by pdf.js itself.
 *
 * Not detected: white text on a dark shape (it is visible, yet dropped — rare in documents),
 * text hidden behind an image or shape, text clipped away by a clipping path, soft masks,
 * text coloured like a non-white background, Type3 glyphs drawn with their own colour.
 */

/** @typedef {[number, number, number, number, number, number]} Matrix */
/**
 * @typedef {{ ctm: Matrix, fillWhite: boolean, strokeWhite: boolean, fillAlpha: number,
 *   strokeAlpha: number, renderMode: number, fontSize: number }} GraphicsState
 */
/** @typedef {{ text: string, hidden: boolean }} DrawnGlyph */
/**
 * The slice of pdf.js's PDFPageProxy this module uses.
 * @typedef {{ getOperatorList(params?: { annotationMode?: number }): Promise<{ fnArray: number[], argsArray: unknown[][] }>, cleanup(): boolean }} OperatorListPage
 */
/** @typedef {{ load(): Promise<{ getPage(num: number): Promise<OperatorListPage> }> }} DocumentAccess */

/** @type {Matrix} */
const IDENTITY = [1, 0, 0, 1, 0, 0];
const NEAR_WHITE = 242; // 0.95 × 255, rounded up
const MIN_FONT_SIZE = 0.5;
const MIN_ALPHA = 0.05;
/** pdf.js's AnnotationMode.DISABLE: annotation appearances are not in the text content either. */
const ANNOTATIONS_DISABLED = 0;

/** @param {Matrix} m @param {Matrix} n @returns {Matrix} */
function multiply(m, n) {
  return [
    m[0] * n[0] + m[1] * n[2],
    m[0] * n[1] + m[1] * n[3],
    m[2] * n[0] + m[3] * n[2],
    m[2] * n[1] + m[3] * n[3],
    m[4] * n[0] + m[5] * n[2] + n[4],
    m[4] * n[1] + m[5] * n[3] + n[5],
  ];
}

/** pdf.js hands every fill/stroke colour over as "#rrggbb" after colour-space conversion. @param {unknown} color */
function isNearWhite(color) {
  if (typeof color !== "string" || !/^#[0-9a-f]{6}$/i.test(color)) return false;
  return [1, 3, 5].every((i) => Number.parseInt(color.slice(i, i + 2), 16) >= NEAR_WHITE);
}

/** A matrix operand as pdf.js sends it: a plain array or a Float32Array. @param {unknown} value @returns {Matrix | null} */
function toMatrix(value) {
  const list = ArrayBuffer.isView(value) ? Array.from(/** @type {Float32Array} */ (value)) : value;
  if (!Array.isArray(list) || list.length !== 6 || !list.every((v) => typeof v === "number")) return null;
  return /** @type {Matrix} */ (list);
}

/** @param {GraphicsState} state @param {Matrix} textMatrix */
function isHidden(state, textMatrix) {
  const mode = state.renderMode & 7;
  if (mode === 3 || mode === 7) return true;
  const fills = mode === 0 || mode === 2 || mode === 4 || mode === 6;
  const strokes = mode === 1 || mode === 2 || mode === 5 || mode === 6;
  const fillSeen = fills && !state.fillWhite && state.fillAlpha > MIN_ALPHA;
  const strokeSeen = strokes && !state.strokeWhite && state.strokeAlpha > MIN_ALPHA;
  if (!fillSeen && !strokeSeen) return true;
  const m = multiply(textMatrix, state.ctm);
  return Math.abs(state.fontSize) * Math.hypot(m[2], m[3]) <= MIN_FONT_SIZE;
}

/**
 * Every glyph the page draws, in content order, each marked hidden or visible, its text passed
 * through pdf.js's normalizeUnicode like the page text (ligatures and compatibility forms split).
 * @param {OperatorListPage} page
 * @returns {Promise<DrawnGlyph[]>}
 */
async function drawnGlyphs(page) {
  const { fnArray, argsArray } = await page.getOperatorList({ annotationMode: ANNOTATIONS_DISABLED });
  /** @type {DrawnGlyph[]} */
  const glyphs = [];
  /** @type {GraphicsState[]} */
  const stack = [];
  /** @type {GraphicsState} */
  let state = { ctm: IDENTITY, fillWhite: false, strokeWhite: false, fillAlpha: 1, strokeAlpha: 1, renderMode: 0, fontSize: 0 };
  let textMatrix = IDENTITY;
  for (let i = 0; i < fnArray.length; i++) {
    const args = argsArray[i] ?? [];
    switch (fnArray[i]) {
      case OPS.save:
        stack.push({ ...state });
        break;
      case OPS.restore:
        state = stack.pop() ?? state;
        break;
      case OPS.paintFormXObjectBegin:
        stack.push({ ...state });
        state.ctm = multiply(toMatrix(args[0]) ?? IDENTITY, state.ctm);
        break;
      case OPS.paintFormXObjectEnd:
        state = stack.pop() ?? state;
        break;
      case OPS.transform:
        state.ctm = multiply(toMatrix(args) ?? IDENTITY, state.ctm);
        break;
      case OPS.beginText:
        textMatrix = IDENTITY;
        break;
      case OPS.setTextMatrix:
        textMatrix = toMatrix(args) ?? toMatrix(args[0]) ?? textMatrix;
        break;
      case OPS.setFont:
        if (typeof args[1] === "number") state.fontSize = args[1];
        break;
      case OPS.setTextRenderingMode:
        if (typeof args[0] === "number") state.renderMode = args[0];
        break;
      case OPS.setFillRGBColor:
        state.fillWhite = isNearWhite(args[0]);
        break;
      case OPS.setStrokeRGBColor:
        state.strokeWhite = isNearWhite(args[0]);
        break;
      case OPS.setFillTransparent:
        state.fillWhite = true;
        break;
      case OPS.setStrokeTransparent:
        state.strokeWhite = true;
        break;
      case OPS.setFillColorN:
      case OPS.setStrokeColorN:
        // Patterns and shadings: assume visible.
        if (fnArray[i] === OPS.setFillColorN) state.fillWhite = false;
        else state.strokeWhite = false;
        break;
      case OPS.setGState:
        for (const entry of Array.isArray(args[0]) ? args[0] : []) {
          if (!Array.isArray(entry) || typeof entry[1] !== "number") continue;
          if (entry[0] === "ca") state.fillAlpha = entry[1];
          if (entry[0] === "CA") state.strokeAlpha = entry[1];
        }
        break;
      case OPS.showText: {
        const hidden = isHidden(state, textMatrix);
        for (const glyph of Array.isArray(args[0]) ? args[0] : []) {
          const text = typeof glyph === "object" && glyph !== null && "unicode" in glyph ? String(glyph.unicode) : "";
          if (text.trim() !== "") glyphs.push({ text: normalizeUnicode(text), hidden });
        }
        break;
      }
    }
  }
  return glyphs;
}

/**
 * pdfjs-dist's data folders, as file-system paths ending in a separator (pdf.js's Node readers
 * append file names to them). Without them pdf.js cannot decode text in the fonts a PDF may use
 * without embedding: the predefined CJK CMaps (STSong-Light with UniGB-UCS2-H, GBK-EUC-H…, how
 * many Chinese PDFs are written) map no character at all, and the standard 14 fonts (Helvetica,
 * Times…) fall back to guessed metrics. qcms converts ICC-based colours exactly, which the
 * hidden-text pass compares with white.
 */
const PDFJS_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.resolve("pdfjs-dist/legacy/build/pdf.mjs"))), "..", "..");
const PDFJS_DATA = {
  cMapUrl: path.join(PDFJS_ROOT, "cmaps") + path.sep,
  cMapPacked: true,
  standardFontDataUrl: path.join(PDFJS_ROOT, "standard_fonts") + path.sep,
  wasmUrl: path.join(PDFJS_ROOT, "wasm") + path.sep,
};

/**
 * The text of every page and, for pages with text, the glyphs it draws.
 * @param {Uint8Array} data
 */
async function readPdf(data) {
  // maxImageSize 0: images are never decoded; text extraction and the hidden-text pass ignore them.
  const parser = new PDFParse({ data, verbosity: 0, maxImageSize: 0, ...PDFJS_DATA });
  try {
    const result = await parser.getText({ pageJoiner: "" });
    // pdf-parse keeps its pdf.js document behind a private load() (already loaded by getText).
    const doc = await /** @type {DocumentAccess} */ (/** @type {unknown} */ (parser)).load();
    const pages = [];
    for (const { num, text } of result.pages) {
      /** @type {DrawnGlyph[]} */
      let glyphs = [];
      if (text.trim() !== "") {
        const page = await doc.getPage(num);
        glyphs = await drawnGlyphs(page);
        page.cleanup();
      }
      pages.push({ num, text, glyphs });
    }
    return { total: result.total, pages };
  } finally {
    // The thread may read the next PDF: free this one's document.
    await parser.destroy().catch(() => undefined);
  }
}

if (!parentPort) throw new Error("lib/rag/loaders/pdf-worker.mjs runs only as a worker thread");
const port = parentPort;
port.on("message", (/** @type {{ data: Uint8Array }} */ request) => {
  readPdf(request.data).then(
    (answer) => port.postMessage(answer),
    (error) => {
      const name = error instanceof Error ? error.name : "Error";
      const message = error instanceof Error ? error.message : String(error);
      port.postMessage({ error: { name, message } });
    },
  );
});
