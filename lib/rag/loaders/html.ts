import { convert, type HtmlToTextOptions } from "html-to-text";
import type { LoadedSection } from "@/lib/rag/loaders/assemble";
import { normalizeText } from "@/lib/text/text-normalize";

/**
 * HTML → text with html-to-text, keeping headings as section titles and table text, and
 * dropping what a reader never sees: scripts, styles, navigation, and text hidden with inline
 * styles (display:none, visibility:hidden, font-size:0, opacity:0, text coloured like its
 * background, off-screen positioning). Hidden text is a classic prompt-injection carrier (C19):
 * a page can tell the LLM things its human reader never saw.
 */

const HEADING_OPEN = "\u0001";
const HEADING_CLOSE = "\u0002";
const HIDDEN_ATTR = "data-trellis-hidden";

const WHITE = new Set(["white", "#fff", "#ffffff", "rgb(255,255,255)", "rgba(255,255,255,1)", "hsl(0,0%,100%)"]);

function colourKey(value: string | undefined): string | undefined {
  if (!value) return undefined;
  return WHITE.has(value) ? "white" : value;
}

/**
 * True when an inline style hides its element's text from a human reader.
 * @example isHiddenStyle("display: none") // true
 */
export function isHiddenStyle(style: string): boolean {
  const decls = new Map<string, string>();
  for (const decl of style.toLowerCase().replace(/!important/g, "").split(";")) {
    const colon = decl.indexOf(":");
    if (colon > 0) decls.set(decl.slice(0, colon).trim(), decl.slice(colon + 1).replace(/\s+/g, ""));
  }
  const px = (v: string | undefined) => (v && /^-?\d+(\.\d+)?(px|pt|em|rem)?$/.test(v) ? parseFloat(v) : NaN);
  const colour = colourKey(decls.get("color"));
  const background = colourKey(decls.get("background-color") ?? decls.get("background"));
  return (
    decls.get("display") === "none" ||
    decls.get("visibility") === "hidden" ||
    decls.get("visibility") === "collapse" ||
    /^0(\.0*)?(px|pt|em|rem|%)?$/.test(decls.get("font-size") ?? "x") ||
    /^0(\.0*)?%?$/.test(decls.get("opacity") ?? "x") ||
    (colour !== undefined && colour === background) ||
    (decls.get("overflow") === "hidden" && (px(decls.get("height")) === 0 || px(decls.get("max-height")) === 0 || px(decls.get("width")) === 0)) ||
    (/^(absolute|fixed)$/.test(decls.get("position") ?? "") && (px(decls.get("left")) <= -500 || px(decls.get("top")) <= -500)) ||
    px(decls.get("text-indent")) <= -500
  );
}

const STYLE_ATTR = /(<[a-zA-Z][^<>]*?\s)style\s*=\s*("[^"]*"|'[^']*')/g;

/** Marks elements hidden by inline style so html-to-text can skip them. */
function markHidden(html: string): string {
  return html.replace(STYLE_ATTR, (whole, before: string, quoted: string) =>
    isHiddenStyle(quoted.slice(1, -1)) ? `${before}${HIDDEN_ATTR}="1" style=${quoted}` : whole,
  );
}

function headingFormatter(...[elem, walk, builder]: Parameters<NonNullable<HtmlToTextOptions["formatters"]>[string]>) {
  builder.openBlock({ leadingLineBreaks: 2 });
  builder.addLiteral(HEADING_OPEN);
  walk(elem.children, builder);
  builder.addLiteral(HEADING_CLOSE);
  builder.closeBlock({ trailingLineBreaks: 2 });
}

const skip = (selector: string) => ({ selector, format: "skip" });

const options: HtmlToTextOptions = {
  wordwrap: false,
  formatters: { trellisHeading: headingFormatter },
  selectors: [
    ...["script", "style", "noscript", "template", "svg", "nav", "iframe", "object", "select", "button", "img", "head"].map(skip),
    ...["[role=navigation]", "[hidden]", "[aria-hidden=true]", `[${HIDDEN_ATTR}]`].map(skip),
    { selector: "a", options: { ignoreHref: true } },
    { selector: "table", format: "dataTable", options: { uppercaseHeaderCells: false, maxColumnWidth: 100_000, colSpacing: 3 } },
    ...["h1", "h2", "h3", "h4", "h5", "h6"].map((selector) => ({ selector, format: "trellisHeading" })),
    { selector: "ul", options: { itemPrefix: " - " } },
  ],
};

/**
 * Converts HTML to sections, one per heading (text before the first heading is its own
 * section). Also used for DOCX, which mammoth turns into HTML.
 * @example htmlToSections("<h1>总则</h1><p>第一条</p>") // [{ heading: "总则", text: "总则\n\n第一条" }]
 */
export function htmlToSections(html: string): { sections: LoadedSection[]; title?: string } {
  const title = /<title[^>]*>([^<]*)<\/title>/i.exec(html)?.[1]?.trim();
  // eslint-disable-next-line no-control-regex -- the heading markers must not come from the input.
  const clean = markHidden(html.replace(/[\u0001\u0002]/g, ""));
  const raw = convert(clean, options);
  const sections: LoadedSection[] = [];
  const parts = raw.split(HEADING_OPEN);
  for (let i = 0; i < parts.length; i++) {
    const close = parts[i].indexOf(HEADING_CLOSE);
    const heading = i > 0 && close >= 0 ? normalizeText(parts[i].slice(0, close)).replace(/\s+/g, " ") : undefined;
    const text = normalizeText(close >= 0 && i > 0 ? parts[i].slice(0, close) + parts[i].slice(close + 1) : parts[i]);
    if (text) sections.push({ text, ...(heading ? { heading } : {}) });
  }
  return { sections, ...(title ? { title: normalizeText(title) } : {}) };
}
