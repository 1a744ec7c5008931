import { build } from "esbuild";
import { gzipSync } from "node:zlib";
import path from "node:path";

const root = path.resolve(__dirname, "..");

/**
 * Bundles widget/ into one minified script (public/widget.js by default) and returns its size.
 * The widget is plain TypeScript for old and new browsers alike (ES2018), one IIFE, no imports
 * of the app; issue 21 caps it at 5 KB gzipped (a unit test holds that).
 * @example const { gzipBytes } = await buildWidget(); // `npm run build:widget`
 */
export async function buildWidget(outfile = path.join(root, "public/widget.js")): Promise<{ outfile: string; bytes: number; gzipBytes: number }> {
  const result = await build({
    entryPoints: [path.join(root, "widget/index.ts")],
    bundle: true,
    minify: true,
    format: "iife",
    target: "es2018",
    legalComments: "none",
    write: false,
    outfile,
  });
  const code = result.outputFiles[0];
  const { mkdir, writeFile } = await import("node:fs/promises");
  await mkdir(path.dirname(outfile), { recursive: true });
  await writeFile(outfile, code.contents);
  return { outfile, bytes: code.contents.byteLength, gzipBytes: gzipSync(code.contents, { level: 9 }).byteLength };
}
