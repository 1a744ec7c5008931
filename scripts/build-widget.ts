import path from "node:path";
import { buildWidget } from "./widget-bundle";

/** `npm run build:widget`: widget/ → public/widget.js (also run by `npm run build` and `npm run dev`). */
buildWidget().then(
  ({ outfile, bytes, gzipBytes }) => console.info(`[widget] ${path.relative(process.cwd(), outfile)}: ${bytes} bytes, ${gzipBytes} bytes gzipped`),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
