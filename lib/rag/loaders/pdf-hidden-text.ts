import { normalizeUnicode, OPS } from "pdfjs-dist/legacy/build/pdf.mjs";

/**
 * Hidden PDF text (checklist C19): text a reader never sees but an extractor reads, the classic
 * carrier for prompt injection in a "harmless" document. pdf.js's text content has no colour or
 * render mode, so we walk the page's operator list, mark every glyph drawn invisibly, then
 * delete those glyphs from the page text by aligning both sequences.
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

type Matrix = [number, number, number, number, number, number];

interface GraphicsState {
  ctm: Matrix;
  fillWhite: boolean;
  strokeWhite: boolean;
  fillAlpha: number;
  strokeAlpha: number;
  renderMode: number;
  fontSize: number;
}

/** The slice of pdf.js's PDFPageProxy this module uses. */
export interface OperatorListPage {
  getOperatorList(params?: { annotationMode?: number }): Promise<{ fnArray: number[]; argsArray: unknown[][] }>;
}

/** One glyph of the page's content in drawing order: its text and whether a reader can see it. */
export interface DrawnGlyph {
  text: string;
  hidden: boolean;
}

const IDENTITY: Matrix = [1, 0, 0, 1, 0, 0];
const NEAR_WHITE = 242; // 0.95 × 255, rounded up
const MIN_FONT_SIZE = 0.5;
const MIN_ALPHA = 0.05;
/** pdf.js's AnnotationMode.DISABLE: annotation appearances are not in the text content either. */
const ANNOTATIONS_DISABLED = 0;

function multiply(m: Matrix, n: Matrix): Matrix {
  return [
    m[0] * n[0] + m[1] * n[2],
    m[0] * n[1] + m[1] * n[3],
    m[2] * n[0] + m[3] * n[2],
    m[2] * n[1] + m[3] * n[3],
    m[4] * n[0] + m[5] * n[2] + n[4],
    m[4] * n[1] + m[5] * n[3] + n[5],
  ];
}

/** pdf.js hands every fill/stroke colour over as "#rrggbb" after colour-space conversion. */
function isNearWhite(color: unknown): boolean {
  if (typeof color !== "string" || !/^#[0-9a-f]{6}$/i.test(color)) return false;
  return [1, 3, 5].every((i) => Number.parseInt(color.slice(i, i + 2), 16) >= NEAR_WHITE);
}

/** A matrix operand as pdf.js sends it: a plain array or a Float32Array. */
function toMatrix(value: unknown): Matrix | null {
  const list = ArrayBuffer.isView(value) ? Array.from(value as Float32Array) : value;
  if (!Array.isArray(list) || list.length !== 6 || !list.every((v) => typeof v === "number")) return null;
  return list as Matrix;
}

function isHidden(state: GraphicsState, textMatrix: Matrix): boolean {
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

/** Every glyph the page draws, in content order, each marked hidden or visible. */
export async function drawnGlyphs(page: OperatorListPage): Promise<DrawnGlyph[]> {
  const { fnArray, argsArray } = await page.getOperatorList({ annotationMode: ANNOTATIONS_DISABLED });
  const glyphs: DrawnGlyph[] = [];
  const stack: GraphicsState[] = [];
  let state: GraphicsState = { ctm: IDENTITY, fillWhite: false, strokeWhite: false, fillAlpha: 1, strokeAlpha: 1, renderMode: 0, fontSize: 0 };
  let textMatrix: Matrix = IDENTITY;
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
          if (text.trim() !== "") glyphs.push({ text, hidden });
        }
        break;
      }
    }
  }
  return glyphs;
}

const WHITESPACE = /\s/u;

/**
 * Deletes the hidden glyphs from a page's extracted text. The text's non-space characters are a
 * subsequence of the drawn glyphs' (pdf.js skips glyphs outside the crop box and only adds
 * spaces, tabs and line breaks), so each character is matched to the next glyph carrying it.
 * A line made only of hidden text disappears; spaces after hidden text go with it. Returns the
 * text unchanged when nothing on the page is hidden.
 */
export function removeHiddenText(text: string, glyphs: DrawnGlyph[]): string {
  if (!glyphs.some((g) => g.hidden)) return text;
  const chars: { char: string; hidden: boolean }[] = [];
  for (const glyph of glyphs) {
    for (const char of normalizeUnicode(glyph.text)) if (!WHITESPACE.test(char)) chars.push({ char, hidden: glyph.hidden });
  }
  let next = 0;
  const hiddenAt = (char: string): boolean => {
    for (let j = next; j < chars.length; j++) {
      if (chars[j].char === char) {
        next = j + 1;
        return chars[j].hidden;
      }
    }
    return false; // not drawn as such (e.g. reordered right-to-left text): keep it
  };
  const lines: string[] = [];
  for (const line of text.split("\n")) {
    let out = "";
    let hadText = false;
    let keptText = false;
    let previousHidden = false;
    for (const char of line) {
      if (WHITESPACE.test(char)) {
        if (!previousHidden) out += char;
        continue;
      }
      hadText = true;
      previousHidden = hiddenAt(char);
      if (!previousHidden) {
        out += char;
        keptText = true;
      }
    }
    if (!hadText || keptText) lines.push(out);
  }
  return lines.join("\n");
}
