import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { buildWidget } from "../../scripts/widget-bundle";

const dir = mkdtempSync(path.join(tmpdir(), "trellis-widget-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the embeddable widget bundle", () => {
  it("builds from widget/ into one script of at most 5 KB gzipped (issue 21)", async () => {
    const { outfile, bytes, gzipBytes } = await buildWidget(path.join(dir, "widget.js"));
    const code = readFileSync(outfile);
    console.info(`[widget] ${bytes} bytes, ${gzipBytes} bytes gzipped`);
    expect(code.byteLength).toBe(bytes);
    expect(gzipSync(code, { level: 9 }).byteLength).toBe(gzipBytes);
    expect(gzipBytes).toBeLessThanOrEqual(5 * 1024);
  });

  it("is one self-contained IIFE: no import, no require, no eval, nothing of the app", async () => {
    const { outfile } = await buildWidget(path.join(dir, "widget-2.js"));
    const code = readFileSync(outfile, "utf8");
    expect(code.startsWith("(()=>{") || code.startsWith('"use strict";(()=>{')).toBe(true);
    expect(code).not.toMatch(/\bimport\s*\(|\brequire\(|\beval\(|new Function/);
    expect(code).not.toMatch(/react|next-intl|zod/i);
    // The public API the README documents.
    for (const name of ["open", "close", "toggle", "identify", "Trellis", "attachShadow", "postMessage", "localStorage"]) expect(code).toContain(name);
  });
});
