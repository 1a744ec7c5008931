/**
 * Hidden PDF text (checklist C19): text a reader never sees but an extractor reads, the classic
 * carrier for prompt injection in a "harmless" document. Which glyphs count as hidden (white,
 * invisible, transparent, microscopic) and what is not detected is decided, and documented, in
 * the PDF worker thread (./pdf-worker.mjs), which walks each page's operator list with pdf.js.
 * This module only cuts those glyphs out of the page text, on the server's thread, so it imports
 * nothing of pdf.js (whose polyfills must stay in the worker).
 */

/** One glyph of the page's content in drawing order: its text (normalised like the page text) and whether a reader can see it. */
export interface DrawnGlyph {
  text: string;
  hidden: boolean;
}

const WHITESPACE = /\s/u;

/**
 * Deletes the hidden glyphs from a page's extracted text. The text's non-space characters are a
 * subsequence of the drawn glyphs' (pdf.js skips glyphs outside the crop box and only adds
 * spaces, tabs and line breaks), so each character is matched to the next glyph carrying it.
 * A line made only of hidden text disappears; spaces after hidden text go with it. Returns the
 * text unchanged when nothing on the page is hidden.
 * @example removeHiddenText("Visible SECRET end", glyphs) // "Visible end" when SECRET's glyphs are hidden
 */
export function removeHiddenText(text: string, glyphs: DrawnGlyph[]): string {
  if (!glyphs.some((g) => g.hidden)) return text;
  const chars: { char: string; hidden: boolean }[] = [];
  for (const glyph of glyphs) {
    for (const char of glyph.text) if (!WHITESPACE.test(char)) chars.push({ char, hidden: glyph.hidden });
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
