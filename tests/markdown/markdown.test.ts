import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { Markdown } from "@/components/public-chat/markdown";
import { parseMarkdown } from "@/lib/markdown/parse";
import { safeHref, safeImageSrc } from "@/lib/markdown/urls";

const ORIGIN = "https://trellis.example";
const html = (text: string, cite?: (n: number) => string | null) => renderToStaticMarkup(createElement(Markdown, { text, options: { imageOrigins: [ORIGIN], cite } }));

describe("safeHref", () => {
  it.each([
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "java\nscript:alert(1)",
    "\u0001javascript:alert(1)",
    "&#106;avascript:alert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript:msgbox(1)",
    "file:///etc/passwd",
    "//evil.example/x",
    "/relative/path",
    "?q=1",
    "#top",
    "",
  ])("C16 refuses %j", (raw) => {
    expect(safeHref(raw)).toBeNull();
  });

  it.each([
    ["https://example.com/a b", "https://example.com/a%20b"],
    ["HTTP://Example.com", "http://example.com/"],
    ["mailto:help@example.com", "mailto:help@example.com"],
  ])("keeps %j as %j", (raw, href) => {
    expect(safeHref(raw)).toBe(href);
  });

  it("C16 loads images only from the allowed origins", () => {
    expect(safeImageSrc(`${ORIGIN}/logo.png`, [ORIGIN])).toBe(`${ORIGIN}/logo.png`);
    expect(safeImageSrc("https://attacker.example/?q=secret", [ORIGIN])).toBeNull();
    expect(safeImageSrc("https://trellis.example.attacker.example/x.png", [ORIGIN])).toBeNull();
    expect(safeImageSrc("data:image/png;base64,AAAA", [ORIGIN])).toBeNull();
  });
});

describe("Markdown rendering of model output (C16)", () => {
  it("C16 shows raw HTML as text: no img, iframe, script or svg element is created", () => {
    const out = html('Hi <img src=x onerror=window.__xss=1> <iframe src="https://attacker.example"></iframe>\n\n<script>alert(1)</script>\n\n<svg onload=alert(1)>');
    expect(out).not.toMatch(/<(img|iframe|script|svg)\b/i);
    expect(out).toContain("&lt;img src=x onerror=window.__xss=1&gt;");
    expect(out).toContain("&lt;iframe");
  });

  it("C16 renders a javascript: link as its text only, and an http link with safe rel and target", () => {
    const out = html("[x](javascript:window.__xss=1) and [docs](https://example.com/docs)");
    expect(out).not.toContain("javascript:");
    expect(out).toContain('<a href="https://example.com/docs" target="_blank" rel="noopener noreferrer nofollow">docs</a>');
    expect(out).toMatch(/^<p>x and /);
  });

  it("C16 does not load a third-party image: it becomes a link, while a Trellis image loads", () => {
    const out = html("![a](https://attacker.example/?q=secret) ![logo](https://trellis.example/logo.png)");
    expect(out).not.toContain('<img src="https://attacker.example');
    expect(out).toContain('<a href="https://attacker.example/?q=secret" target="_blank" rel="noopener noreferrer nofollow" class="md-image-link"');
    expect(out).toContain('<img src="https://trellis.example/logo.png" alt="logo"');
  });

  it("renders headings, emphasis, code, lists, quotes and tables", () => {
    const out = html(
      [
        "# Title",
        "Some **bold**, *italic*, ~~gone~~ and `a < b` text.",
        "",
        "```ts",
        "const x = '<b>';",
        "```",
        "",
        "- one",
        "- two",
        "  1. nested",
        "",
        "> quoted",
        "",
        "| Name | Age |",
        "|:-----|----:|",
        "| Ann | 3 |",
      ].join("\n"),
    );
    expect(out).toContain("<h3>Title</h3>");
    expect(out).toContain("<strong>bold</strong>");
    expect(out).toContain("<em>italic</em>");
    expect(out).toContain("<del>gone</del>");
    expect(out).toContain("<code>a &lt; b</code>");
    expect(out).toContain('<pre data-lang="ts"><code>const x = &#x27;&lt;b&gt;&#x27;;</code></pre>');
    expect(out).toContain("<ul><li><p>one</p></li><li><p>two</p><ol><li><p>nested</p></li></ol></li></ul>");
    expect(out).toContain("<blockquote><p>quoted</p></blockquote>");
    expect(out).toContain('<th style="text-align:left">Name</th><th style="text-align:right">Age</th>');
    expect(out).toContain('<td style="text-align:left">Ann</td><td style="text-align:right">3</td>');
  });

  it("keeps snake_case words and unclosed delimiters of a half-streamed answer as text", () => {
    expect(html("call my_function_name now")).toBe("<p>call my_function_name now</p>");
    expect(html("this is **not yet")).toBe("<p>this is **not yet</p>");
    expect(parseMarkdown("```js\nconst a = 1")).toEqual([{ type: "code", lang: "js", text: "const a = 1" }]);
  });

  it("turns bare URLs into links and keeps single line breaks", () => {
    expect(html("see https://example.com/a.\nthanks")).toBe('<p>see <a href="https://example.com/a" target="_blank" rel="noopener noreferrer nofollow">https://example.com/a</a>.<br/>thanks</p>');
  });

  it("renders citation markers through the given renderer, and unknown ones as text", () => {
    const cite = (n: number) => (n === 1 ? `{cite ${n}}` : null);
    expect(html("Returns take 7 days [1][2].", cite)).toBe("<p>Returns take 7 days {cite 1}[2].</p>");
  });

  it("bounds deeply nested input", () => {
    const deep = `${">".repeat(5000)} x`;
    expect(() => html(deep)).not.toThrow();
    expect(() => html(`${"[".repeat(3000)}x${"]".repeat(3000)}`)).not.toThrow();
  });
});
