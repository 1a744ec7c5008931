import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { fileError } from "@/lib/rag/loaders/file-errors";
import type { LoadedSection } from "@/lib/rag/loaders/assemble";
import { removeHiddenText, type DrawnGlyph } from "@/lib/rag/loaders/pdf-hidden-text";
import { normalizeText, reflowHardWraps, wrapWidth } from "@/lib/text/text-normalize";

/**
 * PDF → text per page with pdf-parse 2 (pdf.js). Used directly rather than through LangChain's
 * PDFLoader: the loader drops empty pages silently (we must say "scanned, no text"), builds
 * `new Uint8Array(raw.buffer)` (wrong for pooled Node buffers) and hides pdf.js's typed
 * exceptions, which are what tell an encrypted file from a damaged one.
 *
 * pdf.js runs on worker threads (./pdf-worker.mjs; one PDF at a time each, kept warm for the next
 * for 30 s), never on this thread: importing it
 * replaces Array.prototype.push, JSON.parse, AbortSignal… with core-js polyfills process-wide.
 * The thread also bounds a hostile PDF: it is killed after a time limit, when the signal aborts,
 * or by its own heap limit, and each of these ends as an error for this file only.
 */

/** How long one PDF may take to read before its worker is killed. */
export const PDF_TIME_LIMIT_MS = 120_000;
/** The worker's V8 heap limit: a PDF needing more (a "PDF bomb") kills the worker, not the server. */
export const PDF_HEAP_LIMIT_MB = 512;

/** What pdf-worker.mjs answers: pages with their text and drawn glyphs, or pdf.js's exception. */
type WorkerAnswer =
  | { total: number; pages: { num: number; text: string; glyphs: DrawnGlyph[] }[] }
  | { error: { name: string; message: string } };

/**
 * pdf-worker.mjs: beside this module (tsx, vitest), else under the working directory (a bundled
 * server, where this module lives in a build chunk). Computed, not written as
 * `new URL("./pdf-worker.mjs", import.meta.url)`, so bundlers leave the file where it is and its
 * imports of pdf-parse and pdfjs-dist resolve from the project's node_modules.
 */
function pdfWorkerFile(): string {
  const beside = path.join(path.dirname(fileURLToPath(import.meta.url)), "pdf-worker.mjs");
  return existsSync(beside) ? beside : path.join(process.cwd(), "lib", "rag", "loaders", "pdf-worker.mjs");
}

/** Page numbers and running headers/footers: noise in every chunk that contains them. */
const PAGE_NUMBER = /^(?:[-－—–\s]*\d{1,4}[-－—–\s]*|\d{1,4}\s*\/\s*\d{1,4}|第\s*\d+\s*页(?:\s*[，,/]?\s*共\s*\d+\s*页)?|page\s+\d+(?:\s+of\s+\d+)?)$/i;

function edgeKey(line: string): string {
  return line.trim().replace(/\d+/g, "#");
}

/** Removes page-number lines and header/footer lines repeated on most pages. */
function stripPageFurniture(pages: string[][]): string[][] {
  const counts = new Map<string, number>();
  for (const lines of pages) {
    const edges = new Set([...lines.slice(0, 2), ...lines.slice(-2)].map(edgeKey).filter((k) => k.length > 0));
    for (const key of edges) counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const repeated = (line: string) => pages.length >= 3 && (counts.get(edgeKey(line)) ?? 0) >= Math.max(3, pages.length * 0.6);
  return pages.map((lines) => {
    const out = [...lines];
    for (let k = 0; k < 2 && out.length > 0 && (PAGE_NUMBER.test(out[0].trim()) || repeated(out[0])); k++) out.shift();
    for (let k = 0; k < 2 && out.length > 0 && (PAGE_NUMBER.test(out[out.length - 1].trim()) || repeated(out[out.length - 1])); k++) out.pop();
    return out;
  });
}

/** Limits of loadPdf; the defaults suit the server, tests lower them. */
export interface LoadPdfOptions {
  /** Milliseconds the PDF may take to read before it is refused with FILE_TOO_COMPLEX (default 120 s). */
  timeLimitMs?: number;
  /** The worker's heap limit in MB; a PDF needing more is refused with FILE_TOO_COMPLEX (default 512). */
  heapLimitMb?: number;
}


/** The PDF did not finish reading in time, or needed more memory than a worker may use. */
function tooComplex(reason: "time" | "memory", limits: Required<LoadPdfOptions>): Error {
  const seconds = Math.max(1, Math.round(limits.timeLimitMs / 1000));
  const message =
    reason === "time"
      ? {
          en: `This PDF took too long to read (more than ${seconds} second${seconds === 1 ? "" : "s"}) and was stopped. It may be very large or unusually complex: split it into smaller files, or print it to a new PDF, and upload again.`,
          zh: `读取该 PDF 耗时过长（超过 ${seconds} 秒），已停止。文件可能过大或结构异常复杂：请拆分成较小的文件，或打印为新的 PDF 后重新上传。`,
        }
      : {
          en: "This PDF needs too much memory to read and was stopped. It may be very large or unusually complex: split it into smaller files, or print it to a new PDF, and upload again.",
          zh: "读取该 PDF 所需内存过多，已停止。文件可能过大或结构异常复杂：请拆分成较小的文件，或打印为新的 PDF 后重新上传。",
        };
  return fileError("FILE_TOO_COMPLEX", message, reason === "time" ? { limitMs: limits.timeLimitMs } : { limitMb: limits.heapLimitMb });
}

function pdfError(error: { name: string; message: string }): Error {
  if (error.name === "PasswordException") {
    return fileError("FILE_ENCRYPTED", {
      en: "This PDF is password-protected. Remove the password and upload it again.",
      zh: "该 PDF 有密码保护。请去除密码后重新上传。",
    });
  }
  return fileError(
    "FILE_CORRUPT",
    {
      en: "This PDF is damaged or incomplete and cannot be read. Open it in a PDF reader, save or print it to a new PDF and upload that file.",
      zh: "该 PDF 已损坏或不完整，无法读取。请用 PDF 阅读器打开，另存或打印为新的 PDF 后再上传。",
    },
    { reason: error.message },
  );
}

/** Why a worker stopped without answering, as an error for this file (or the setup's own fault). */
function workerFailure(error: Error & { code?: string }, limits: Required<LoadPdfOptions>): Error {
  if (error.code === "ERR_WORKER_OUT_OF_MEMORY") return tooComplex("memory", limits);
  // pdf-parse or pdfjs-dist not found from the worker: the installation's fault, not the file's.
  if (error.code === "ERR_MODULE_NOT_FOUND") return error;
  return pdfError(error);
}

/** Reads the PDF in a fresh worker thread, which is terminated once it answers, fails, times out or the signal aborts. */
/** Finished workers kept warm for the next PDF (a fresh thread first spends ~0.5 s loading pdf.js). */
const idle: Array<{ worker: Worker; heapLimitMb: number; timer: NodeJS.Timeout }> = [];
const MAX_IDLE = 2;
const IDLE_MS = 30_000;

function newWorker(heapLimitMb: number): Worker {
  const worker = new Worker(pdfWorkerFile(), {
    resourceLimits: { maxOldGenerationSizeMb: heapLimitMb },
    // Plain JavaScript needs no loader: without this the thread inherits tsx's or a test
    // runner's hooks, which more than double the time pdf.js takes to load.
    execArgv: [],
  });
  // A warm worker that dies while idle leaves the pool (and its error is not left unhandled).
  const leave = () => {
    const i = idle.findIndex((w) => w.worker === worker);
    if (i >= 0) clearTimeout(idle.splice(i, 1)[0].timer);
  };
  worker.on("error", leave).on("exit", leave);
  return worker;
}

/** A warm worker with the same heap limit, else a new one. One PDF at a time per worker. */
function takeWorker(heapLimitMb: number): Worker {
  const i = idle.findIndex((w) => w.heapLimitMb === heapLimitMb);
  if (i < 0) return newWorker(heapLimitMb);
  const [{ worker, timer }] = idle.splice(i, 1);
  clearTimeout(timer);
  return worker;
}

function keepWarm(worker: Worker, heapLimitMb: number): void {
  if (idle.length >= MAX_IDLE) {
    void worker.terminate().catch(() => undefined);
    return;
  }
  worker.unref(); // an idle reader never keeps the process alive
  const entry = { worker, heapLimitMb, timer: setTimeout(() => retire(entry), IDLE_MS) };
  entry.timer.unref();
  idle.push(entry);
}

function retire(entry: (typeof idle)[number]): void {
  const i = idle.indexOf(entry);
  if (i >= 0) idle.splice(i, 1);
  void entry.worker.terminate().catch(() => undefined);
}

/**
 * Reads the PDF on a worker thread. A worker that answers goes back to the warm pool; one that
 * fails, times out or is aborted is terminated (so a hostile PDF never shares a thread with the
 * next one).
 */
function readInWorker(bytes: Uint8Array, signal: AbortSignal | undefined, limits: Required<LoadPdfOptions>): Promise<Extract<WorkerAnswer, { total: number }>> {
  signal?.throwIfAborted();
  const worker = takeWorker(limits.heapLimitMb);
  worker.ref(); // busy: the process waits for its answer
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (settle: () => void, reusable = false) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      worker.off("message", onMessage).off("error", onError).off("exit", onExit);
      if (reusable) keepWarm(worker, limits.heapLimitMb);
      else void worker.terminate().catch(() => undefined);
      settle();
    };
    const onAbort = () => finish(() => reject(signal?.reason));
    const onMessage = (answer: WorkerAnswer) =>
      // pdf.js's own exceptions leave the thread healthy; it can read the next PDF.
      finish(() => ("error" in answer ? reject(pdfError(answer.error)) : resolve(answer)), true);
    const onError = (error: Error) => finish(() => reject(workerFailure(error, limits)));
    const onExit = (code: number) => finish(() => reject(pdfError({ name: "WorkerExit", message: `the PDF reader stopped (exit code ${code}) without an answer` })));
    const timer = setTimeout(() => finish(() => reject(tooComplex("time", limits))), limits.timeLimitMs);
    signal?.addEventListener("abort", onAbort, { once: true });
    worker.on("message", onMessage).on("error", onError).on("exit", onExit);
    // A copy whose buffer moves to the worker: the caller keeps its bytes, nothing is copied twice.
    const data = new Uint8Array(bytes);
    worker.postMessage({ data }, [data.buffer]);
  });
}

/**
 * Extracts the text a reader can see on every page, reading the PDF in a worker thread. Throws
 * FILE_ENCRYPTED, FILE_CORRUPT, FILE_NO_TEXT (a scanned PDF: pages are images and OCR is not
 * supported) or FILE_TOO_COMPLEX (over the time limit or the worker's memory); rejects with the
 * signal's reason when it aborts.
 * @example const { sections } = await loadPdf(bytes) // [{ page: 1, text: "…" }, …]
 */
export async function loadPdf(
  bytes: Uint8Array,
  signal?: AbortSignal,
  options: LoadPdfOptions = {},
): Promise<{ sections: LoadedSection[]; metadata: Record<string, string | number> }> {
  const result = await readInWorker(bytes, signal, {
    timeLimitMs: options.timeLimitMs ?? PDF_TIME_LIMIT_MS,
    heapLimitMb: options.heapLimitMb ?? PDF_HEAP_LIMIT_MB,
  });
  // The hidden-text pass (checklist C19): the worker marked which glyphs a reader cannot see.
  const texts = result.pages.map((page) => removeHiddenText(page.text, page.glyphs));
  const pages = stripPageFurniture(texts.map((text) => normalizeText(text).split("\n")));
  const width = wrapWidth(pages.flat());
  const sections = pages.map((lines, i) => ({
    page: result.pages[i].num,
    text: normalizeText(reflowHardWraps(lines.join("\n"), width), { joinCjkSpaces: true }),
  }));
  if (sections.every((s) => s.text.trim() === "")) {
    throw fileError("FILE_NO_TEXT", {
      en: "This PDF has no text we can read: its pages are probably scanned images. Text recognition (OCR) is not supported; upload a PDF with selectable text, or the original Word file.",
      zh: "该 PDF 中没有可读取的文字，页面可能是扫描的图片。暂不支持文字识别（OCR），请上传可以选中文字的 PDF 或原始 Word 文件。",
    });
  }
  return { sections, metadata: { pages: result.total } };
}
