import { randomBytes } from "node:crypto";
import JSZip from "jszip";

/**
 * Bad and unusual files for the parser tests, made in memory so that no binary junk is
 * committed: hand-written PDFs (text, image-only, password-protected), ZIPs that look like
 * DOCX, XLSX or bombs, and renamed binaries.
 */

/** A minimal valid PDF with a correct xref table; `objects[i]` becomes object i + 1. */
export function buildPdf(objects: string[], trailerExtra = ""): Uint8Array {
  let out = "%PDF-1.4\n%\xE2\xE3\xCF\xD3\n";
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(Buffer.byteLength(out, "latin1"));
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = Buffer.byteLength(out, "latin1");
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) out += `${String(offset).padStart(10, "0")} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R ${trailerExtra}>>\nstartxref\n${xref}\n%%EOF\n`;
  return new Uint8Array(Buffer.from(out, "latin1"));
}

const stream = (content: string) => `<< /Length ${Buffer.byteLength(content, "latin1")} >>\nstream\n${content}\nendstream`;

/** A one-page PDF showing `text` in Helvetica. */
export function textPdf(text: string): Uint8Array {
  return buildPdf([
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
    stream(`BT /F1 18 Tf 72 720 Td (${text}) Tj ET`),
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
  ]);
}

const utf16Hex = (text: string) => [...text].map((c) => c.charCodeAt(0).toString(16).padStart(4, "0")).join("");

/**
 * A Type0 (CID) font whose codes are the characters' UTF-16 values, with a ToUnicode map for
 * `chars`: how a PDF carries Chinese. No font program is embedded; pdf.js substitutes one.
 */
function cidFont(chars: string, toUnicodeRef: string): string[] {
  const cmapBody = [...new Set(chars)].map((c) => `<${utf16Hex(c)}> <${utf16Hex(c)}>`);
  const cmap = [
    "/CIDInit /ProcSet findresource begin 12 dict begin begincmap",
    "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def /CMapName /Adobe-Identity-UCS def /CMapType 2 def",
    "1 begincodespacerange <0000> <FFFF> endcodespacerange",
    `${cmapBody.length} beginbfchar ${cmapBody.join(" ")} endbfchar`,
    "endcmap CMapName currentdict /CMap defineresource pop end end",
  ].join("\n");
  return [
    `<< /Type /Font /Subtype /Type0 /BaseFont /TrellisCJK /Encoding /Identity-H /DescendantFonts [<< /Type /Font /Subtype /CIDFontType2 /BaseFont /TrellisCJK /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor << /Type /FontDescriptor /FontName /TrellisCJK /Flags 4 /FontBBox [0 -120 1000 880] /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 700 /StemV 80 >> /DW 1000 /CIDToGIDMap /Identity >>] /ToUnicode ${toUnicodeRef} >>`,
    stream(cmap),
  ];
}

/** Lines of a page: visible ones are drawn normally, hidden ones in a way no reader sees. */
export interface HiddenTextPage {
  visible: string;
  /** Latin text drawn white (`1 1 1 rg`), gray white (`1 g`), invisible (`3 Tr`), at 0.1 pt and off the page. */
  hidden: string;
  /** Chinese drawn visibly and white, through a CID font. */
  visibleZh?: string;
  hiddenZh?: string;
}

/**
 * A PDF with one page per entry, each showing `visible` in black and hiding `hidden` five
 * ways: white fill inside q/Q (then black again), white gray, text rendering mode 3, a 0.1 pt
 * font (a scaled text matrix) and right of the crop box. Chinese lines use a CID font; the
 * hidden one is white.
 */
export function hiddenTextPdf(pages: HiddenTextPage[]): Uint8Array {
  const latin = (s: string) => s.replace(/[\\()]/g, (c) => `\\${c}`);
  const zh = pages.map((p) => `${p.visibleZh ?? ""}${p.hiddenZh ?? ""}`).join("");
  const objects = ["<< /Type /Catalog /Pages 2 0 R >>", "", "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>", ...cidFont(zh || "中", "5 0 R")];
  const kids: string[] = [];
  for (const page of pages) {
    const lines = [
      `BT /F1 12 Tf 72 720 Td (${latin(page.visible)}) Tj ET`,
      `q 1 1 1 rg BT /F1 12 Tf 72 700 Td (${latin(page.hidden)}) Tj ET Q`,
      `BT /F1 12 Tf 72 680 Td (${latin(page.visible)} again) Tj ET`,
      `1 g BT /F1 12 Tf 72 660 Td (${latin(page.hidden)}) Tj ET 0 g`,
      `BT 3 Tr /F1 12 Tf 72 640 Td (${latin(page.hidden)}) Tj 0 Tr ET`,
      `BT /F1 1 Tf 0.1 0 0 0.1 72 620 Tm (${latin(page.hidden)}) Tj ET`,
      `BT /F1 12 Tf 640 610 Td (${latin(page.hidden)}) Tj ET`,
    ];
    if (page.visibleZh) lines.push(`BT /F2 12 Tf 72 600 Td <${utf16Hex(page.visibleZh)}> Tj ET`);
    if (page.hiddenZh) lines.push(`BT /F2 12 Tf 1 1 1 rg 72 580 Td <${utf16Hex(page.hiddenZh)}> Tj 0 0 0 rg ET`);
    const n = objects.length;
    objects.push(
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents ${n + 2} 0 R /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> >>`,
      stream(lines.join("\n")),
    );
    kids.push(`${n + 1} 0 R`);
  }
  objects[1] = `<< /Type /Pages /Kids [${kids.join(" ")}] /Count ${kids.length} >>`;
  return buildPdf(objects);
}

/** One line of a standard-font page: what it says, in which font, and whether it is drawn hidden (white). */
export interface StandardFontLine {
  text: string;
  font: "Helvetica" | "Times-Roman" | "Courier" | "STSong-Light";
  hidden?: boolean;
}

/**
 * A PDF drawn only in fonts a reader must supply itself — nothing embedded, no ToUnicode map —
 * the way report generators write them: the standard 14 Latin fonts with WinAnsiEncoding, and
 * Chinese in Adobe's predefined CJK font STSong-Light through the predefined CMap UniGB-UCS2-H
 * (codes are UCS-2, CIDs come from Adobe-GB1). Each line is placed as a generator does: Latin
 * lines through a scaled text matrix (`1 Tf` then `12 0 0 12 x y Tm`), kerned with TJ; Chinese
 * with `12 Tf` and Td. Hidden lines are drawn white (`1 1 1 rg`) inside q/Q.
 */
export function standardFontPdf(lines: StandardFontLine[]): Uint8Array {
  const names = { Helvetica: "F1", "Times-Roman": "F2", Courier: "F3", "STSong-Light": "F4" } as const;
  const latin = (s: string) => s.replace(/[\\()]/g, (c) => `\\${c}`);
  const content = lines.map((line, i) => {
    const y = 720 - i * 24;
    const draw =
      line.font === "STSong-Light"
        ? `BT /F4 12 Tf 72 ${y} Td <${utf16Hex(line.text)}> Tj ET`
        : `BT /${names[line.font]} 1 Tf 12 0 0 12 72 ${y} Tm [(${latin(line.text.slice(0, 1))}) -20 (${latin(line.text.slice(1))})] TJ ET`;
    return line.hidden ? `q 1 1 1 rg ${draw} Q` : `0 0 0 rg ${draw}`;
  });
  const standard = (name: string) => `<< /Type /Font /Subtype /Type1 /BaseFont /${name} /Encoding /WinAnsiEncoding >>`;
  return buildPdf([
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R /F2 6 0 R /F3 7 0 R /F4 8 0 R >> >> >>",
    stream(content.join("\n")),
    standard("Helvetica"),
    standard("Times-Roman"),
    standard("Courier"),
    "<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light-UniGB-UCS2-H /Encoding /UniGB-UCS2-H /DescendantFonts [<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 4 >> /FontDescriptor << /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880] /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >> /DW 1000 >>] >>",
  ]);
}

/** A PDF whose only page draws a filled rectangle: what a scanned page looks like to a text extractor. */
export function imageOnlyPdf(): Uint8Array {
  return buildPdf([
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
    stream("0.5 g 72 72 468 648 re f"),
  ]);
}

/**
 * A PDF encrypted with the standard security handler and a user password we do not know
 * (the /U check value matches no password), so a reader must ask for the password.
 */
export function encryptedPdf(): Uint8Array {
  const hex = (bytes: Buffer) => `<${bytes.toString("hex")}>`;
  const id = hex(Buffer.from("0123456789abcdef0123456789abcdef", "hex"));
  return buildPdf(
    [
      "<< /Type /Catalog /Pages 2 0 R >>",
      "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
      "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
      stream("BT ET"),
      `<< /Filter /Standard /V 1 /R 2 /Length 40 /P -44 /O ${hex(Buffer.alloc(32, 0x5a))} /U ${hex(Buffer.alloc(32, 0xa5))} >>`,
    ],
    `/Encrypt 5 0 R /ID [${id} ${id}] `,
  );
}

/** A ZIP with the given entries (DEFLATE). */
export async function zipOf(entries: Record<string, string | Uint8Array>): Promise<Uint8Array> {
  const zip = new JSZip();
  for (const [name, content] of Object.entries(entries)) zip.file(name, content);
  return zip.generateAsync({ type: "uint8array", compression: "DEFLATE", compressionOptions: { level: 9 } });
}

const CONTENT_TYPES = `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`;
const RELS = `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`;

/** A minimal DOCX whose body is the given paragraphs (optionally padded with a huge comment). */
export async function docxOf(paragraphs: string[], padding?: string): Promise<Uint8Array> {
  const body = paragraphs.map((p) => `<w:p><w:r><w:t>${p}</w:t></w:r></w:p>`).join("");
  const xml = `<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>${body}</w:body></w:document>${padding ? `<!--${padding}-->` : ""}`;
  return zipOf({ "[Content_Types].xml": CONTENT_TYPES, "_rels/.rels": RELS, "word/document.xml": xml });
}

/**
 * Rewrites the sizes an entry declares in the ZIP's local header and central directory —
 * how a forged zip bomb lies about its contents.
 */
export function forgeZipSizes(zip: Uint8Array, entryName: string, uncompressed: number): Uint8Array {
  const out = new Uint8Array(zip);
  const dv = new DataView(out.buffer);
  const name = Buffer.from(entryName);
  for (let i = 0; i + 46 < out.length; i++) {
    const sig = dv.getUint32(i, true);
    if (sig === 0x02014b50 && Buffer.from(out.subarray(i + 46, i + 46 + name.length)).equals(name)) dv.setUint32(i + 24, uncompressed, true);
    if (sig === 0x04034b50 && Buffer.from(out.subarray(i + 30, i + 30 + name.length)).equals(name)) dv.setUint32(i + 22, uncompressed, true);
  }
  return out;
}

/** The first bytes of a real PNG (signature and IHDR), then noise. */
export function pngBytes(): Uint8Array {
  const header = Buffer.from("89504e470d0a1a0a0000000d49484452000000100000001008060000001ff3ff61", "hex");
  return new Uint8Array(Buffer.concat([header, randomBytes(512)]));
}

/** An ELF header (x86-64 executable) followed by zero padding and noise. */
export function elfBytes(): Uint8Array {
  const header = Buffer.from("7f454c4602010100000000000000000002003e0001000000", "hex");
  return new Uint8Array(Buffer.concat([header, Buffer.alloc(64), randomBytes(512)]));
}

/** Random bytes (not text, not a ZIP). */
export function noise(length = 4096): Uint8Array {
  const bytes = new Uint8Array(randomBytes(length));
  bytes[0] = 0x00; // never accidentally a valid signature or BOM
  return bytes;
}
