import fs from "node:fs";
import path from "node:path";
import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import { isAppError } from "@/lib/errors";
import { sniffFile, sniffFileKind } from "@/lib/rag/sniff";
import { docxOf, elfBytes, noise, pngBytes, textPdf, zipOf } from "./helpers/make-files";

const FIXTURES = "/work/shared/fixtures/docs";
const utf8 = (text: string) => new TextEncoder().encode(text);

function codeOf(run: () => unknown): { code: string; detected?: unknown; en: string } {
  try {
    run();
  } catch (error) {
    if (!isAppError(error)) throw error;
    return { code: error.code, detected: (error.details as { detected?: unknown } | undefined)?.detected, en: error.messageIn("en") };
  }
  throw new Error("expected a refusal");
}

describe("sniffFileKind decides by content", () => {
  it.each([
    ["en/federal-register-2020-17221.pdf", "pdf"],
    ["en/fedramp-working-with-oscal.docx", "docx"],
    ["en/fedramp-working-with-oscal.md", "markdown"],
    ["en/cc-by-4.0-legalcode.html", "html"],
    ["en/cc-by-4.0-legalcode.txt", "text"],
    ["en/country-list-en.csv", "csv"],
    ["zh/private-economy-promotion-law.pdf", "pdf"],
    ["zh/private-economy-promotion-law.txt", "text"],
    ["zh/statistics-law-20240913.docx", "docx"],
    ["zh/statistics-law-2024-09-13.md", "markdown"],
    ["zh/cc-by-4.0-legalcode.zh-Hant.html", "html"],
    ["zh/country-list-zh_CN.csv", "csv"],
    ["zh/chinese-copywriting-guidelines.zh-Hans.md", "markdown"],
  ] as const)("%s → %s", (file, kind) => {
    expect(sniffFileKind(new Uint8Array(fs.readFileSync(path.join(FIXTURES, file))), path.basename(file))).toBe(kind);
  });

  it("ignores the name for binary kinds: a PDF named .txt is a PDF, a DOCX named .csv is a DOCX", async () => {
    expect(sniffFileKind(textPdf("hi"), "notes.txt")).toBe("pdf");
    expect(sniffFileKind(await docxOf(["正文"]), "table.csv")).toBe("docx");
    expect(sniffFileKind(textPdf("hi"))).toBe("pdf");
  });

  it.each([
    ["a PNG renamed .txt", pngBytes, "photo.txt", "png"],
    ["an ELF program renamed .pdf", elfBytes, "report.pdf", "elf"],
    ["random bytes named .docx", () => noise(), "contract.docx", "binary"],
  ])("refuses %s as FILE_UNSUPPORTED, naming what it is", (_label, make, filename, detected) => {
    const refusal = codeOf(() => sniffFileKind(make(), filename));
    expect(refusal).toMatchObject({ code: "FILE_UNSUPPORTED", detected });
    expect(refusal.en).toContain("not a document we can read");
  });

  it("refuses Excel and plain ZIP archives, and says what to do with a workbook", async () => {
    const xlsx = await zipOf({ "[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<workbook/>" });
    expect(codeOf(() => sniffFileKind(xlsx, "data.docx"))).toMatchObject({ code: "FILE_UNSUPPORTED", detected: "xlsx" });
    expect(codeOf(() => sniffFileKind(xlsx)).en).toContain("CSV");
    const zip = await zipOf({ "a.txt": "hello" });
    expect(codeOf(() => sniffFileKind(zip, "a.docx"))).toMatchObject({ code: "FILE_UNSUPPORTED", detected: "zip" });
  });

  it("calls a ZIP without its directory (a cut-off DOCX) corrupt", async () => {
    const docx = await docxOf(["x"]);
    expect(codeOf(() => sniffFileKind(docx.slice(0, docx.length - 30), "a.docx")).code).toBe("FILE_CORRUPT");
  });

  it.each([
    ["empty", new Uint8Array(0)],
    ["blank", utf8("   \n\n\t  ")],
    ["blank UTF-16", new Uint8Array([0xff, 0xfe, 0x20, 0x00, 0x0a, 0x00])],
  ])("refuses an %s file as FILE_EMPTY", (_label, bytes) => {
    expect(codeOf(() => sniffFileKind(bytes, "a.txt")).code).toBe("FILE_EMPTY");
  });
});

describe("text encodings", () => {
  const zh = "第一条 为了科学、有效地组织统计工作，保障统计资料的真实性、准确性、完整性和及时性。";
  it.each([
    ["UTF-8", utf8(zh), "UTF-8"],
    ["UTF-8 with BOM", new Uint8Array([0xef, 0xbb, 0xbf, ...utf8(zh)]), "UTF-8 (BOM)"],
    ["UTF-16LE with BOM", new Uint8Array(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(zh, "utf16le")])), "UTF-16LE"],
    ["UTF-16BE with BOM", new Uint8Array(Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(zh, "utf16le").swap16()])), "UTF-16BE"],
    ["GBK", new Uint8Array(iconv.encode(zh, "gbk")), "GB18030"],
    ["GB18030", new Uint8Array(iconv.encode(zh, "gb18030")), "GB18030"],
  ])("decodes %s", (_label, bytes, encoding) => {
    const result = sniffFile(bytes, "a.txt");
    expect(result.text).toBe(zh);
    expect(result.encoding).toBe(encoding);
  });

  it("decodes a short GBK text that chardet alone would misread", () => {
    expect(sniffFile(new Uint8Array(iconv.encode("你好世界", "gbk")), "a.txt").text).toBe("你好世界");
  });

  it("refuses text with many control characters (a binary dump)", () => {
    const dump = utf8("header\u0001\u0002\u0003\u0004\u0005\u0006 more\u0007\u0008 text");
    expect(codeOf(() => sniffFileKind(dump, "dump.txt")).code).toBe("FILE_UNSUPPORTED");
  });
});

describe("text kinds: the name is a hint", () => {
  const table = "名称,城市\n北京市,北京\n上海市,上海\n";
  it("uses .csv for a consistent table, but not for prose", () => {
    expect(sniffFile(utf8(table), "cities.csv")).toMatchObject({ kind: "csv", delimiter: "," });
    expect(sniffFileKind(utf8("just a sentence, with a comma.\nAnd another line"), "notes.csv")).toBe("text");
    expect(sniffFile(utf8("a\tb\n1\t2\n3\t4\n"), "x.tsv")).toMatchObject({ kind: "csv", delimiter: "\t" });
  });

  it("recognises Markdown by name or by structure, HTML by its tags", () => {
    expect(sniffFileKind(utf8("plain words"), "readme.md")).toBe("markdown");
    expect(sniffFileKind(utf8("# 标题\n\n- 第一项\n- 第二项\n\n[链接](https://example.com)"), "notes.txt")).toBe("markdown");
    expect(sniffFileKind(utf8("\uFEFF  <!DOCTYPE html><html><body>hi</body></html>"), "page.txt")).toBe("html");
    expect(sniffFileKind(utf8("<div><p>段落</p></div>"))).toBe("html");
    expect(sniffFileKind(utf8("<div align=\"center\">logo</div>\n\n# Project\n\nText"), "README.md")).toBe("markdown");
    expect(sniffFileKind(utf8("这是一段普通的中文文本。\n第二行。"), "a.txt")).toBe("text");
  });
});
