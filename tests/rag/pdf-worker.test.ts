import fs from "node:fs";
import path from "node:path";
import { Worker } from "node:worker_threads";
import { afterEach, describe, expect, it, vi } from "vitest";
import { isAppError, type AppError } from "@/lib/errors";

// Captured before anything could load pdf.js, whose core-js polyfills replace these for the
// whole thread: none of the imports above can load it, and `loadPdf` is imported dynamically.
const builtinsNow = () => ({
  "Array.prototype.push": Array.prototype.push,
  "JSON.parse": JSON.parse,
  "Function.prototype.toString": Function.prototype.toString,
  "Promise.withResolvers": (Promise as { withResolvers?: unknown }).withResolvers,
  AbortSignal: globalThis.AbortSignal,
  DOMException: globalThis.DOMException,
  MessageChannel: globalThis.MessageChannel,
});
const builtins = builtinsNow();
const addedByPdfJs = ["navigator", "pdfjsLib", "DOMMatrix", "Path2D", "ImageData", "Iterator"] as const;
const globalsBefore = new Map(addedByPdfJs.map((name) => [name, Object.getOwnPropertyDescriptor(globalThis, name)?.value]));

const FIXTURES = "/work/shared/fixtures/docs";
const read = (rel: string) => new Uint8Array(fs.readFileSync(path.join(FIXTURES, rel)));
const pdfModule = () => import("@/lib/rag/loaders/pdf");

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (isAppError(error)) return error;
  throw new Error(`expected an AppError, got ${String(error)}`);
}

afterEach(() => vi.restoreAllMocks());

describe("loadPdf in a worker thread", () => {
  it("reads real PDFs without replacing the server's built-ins with pdf.js's polyfills", async () => {
    const { loadPdf } = await pdfModule();
    const zh = read("zh/private-economy-promotion-law.pdf");
    const size = zh.byteLength;
    const law = await loadPdf(zh);
    expect(law.metadata.pages).toBe(21);
    expect(law.sections.map((s) => s.text).join("\n")).toContain("促进民营经济");
    const en = await loadPdf(read("en/fedramp-working-with-oscal.pdf"));
    expect(en.sections.map((s) => s.text).join("\n")).toContain("OSCAL-based FedRAMP");
    // The worker got a copy: the caller's bytes are intact and can be read again.
    expect(zh.byteLength).toBe(size);
    expect((await loadPdf(zh)).sections).toEqual(law.sections);

    const now = builtinsNow();
    for (const [name, value] of Object.entries(builtins)) expect(now[name as keyof typeof now], name).toBe(value);
    for (const name of addedByPdfJs) expect(Object.getOwnPropertyDescriptor(globalThis, name)?.value, name).toBe(globalsBefore.get(name));
    expect("pdfjsLib" in globalThis).toBe(false);
  });

  it("stops the worker and rejects with the reason when the signal aborts mid-parse", async () => {
    const { loadPdf } = await pdfModule();
    const terminate = vi.spyOn(Worker.prototype, "terminate");
    const controller = new AbortController();
    const reason = new Error("the user cancelled the upload");
    const parsing = loadPdf(read("zh/private-economy-promotion-law.pdf"), controller.signal);
    setTimeout(() => controller.abort(reason), 50);
    // Rejecting (not resolving) proves the abort landed before the worker answered.
    await expect(parsing).rejects.toBe(reason);
    expect(terminate).toHaveBeenCalledTimes(1);
    await terminate.mock.results[0].value; // the thread is gone, not left running
  });

  it("rejects at once, starting no worker, when the signal is already aborted", async () => {
    const { loadPdf } = await pdfModule();
    const terminate = vi.spyOn(Worker.prototype, "terminate");
    const reason = new Error("already cancelled");
    await expect(loadPdf(read("en/fedramp-working-with-oscal.pdf"), AbortSignal.abort(reason))).rejects.toBe(reason);
    expect(terminate).not.toHaveBeenCalled();
  });

  it("refuses a PDF that takes longer than the time limit, in both languages, as an error of that file", async () => {
    const { loadPdf } = await pdfModule();
    const { isTransientError } = await import("@/lib/rag/ingest");
    const terminate = vi.spyOn(Worker.prototype, "terminate");
    const error = await refusal(loadPdf(read("zh/private-economy-promotion-law.pdf"), undefined, { timeLimitMs: 1 }));
    expect(error.code).toBe("FILE_TOO_COMPLEX");
    expect(error.status).toBe(422);
    expect(error.messageIn("en")).toBe(
      "This PDF took too long to read (more than 1 second) and was stopped. It may be very large or unusually complex: split it into smaller files, or print it to a new PDF, and upload again.",
    );
    expect(error.messageIn("zh")).toBe("读取该 PDF 耗时过长（超过 1 秒），已停止。文件可能过大或结构异常复杂：请拆分成较小的文件，或打印为新的 PDF 后重新上传。");
    // Ingestion marks the document failed with this message instead of retrying it.
    expect(isTransientError(error)).toBe(false);
    expect(terminate).toHaveBeenCalledTimes(1);
  });

  it("refuses a PDF that needs more memory than the worker may use, and the next PDF still reads", async () => {
    const { loadPdf } = await pdfModule();
    const zh = read("zh/private-economy-promotion-law.pdf");
    const error = await refusal(loadPdf(zh, undefined, { heapLimitMb: 8 }));
    expect(error.code).toBe("FILE_TOO_COMPLEX");
    expect(error.messageIn("en")).toContain("needs too much memory to read");
    expect(error.messageIn("zh")).toContain("所需内存过多");
    expect((await loadPdf(zh)).metadata.pages).toBe(21);
  });

  it("reads the next PDF on the same warm thread, even after a damaged one, but never after a timeout", async () => {
    const { loadPdf } = await pdfModule();
    const threads: number[] = [];
    const post = Worker.prototype.postMessage;
    vi.spyOn(Worker.prototype, "postMessage").mockImplementation(function (this: Worker, ...args: Parameters<Worker["postMessage"]>) {
      threads.push(this.threadId);
      return post.apply(this, args);
    });
    const en = read("en/fedramp-working-with-oscal.pdf");
    await loadPdf(en);
    expect((await refusal(loadPdf(new TextEncoder().encode("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer <<>>\n%%EOF")))).code).toBe("FILE_CORRUPT");
    expect((await loadPdf(en)).sections.length).toBeGreaterThan(0);
    expect(new Set(threads).size).toBe(1);
    expect((await refusal(loadPdf(read("zh/private-economy-promotion-law.pdf"), undefined, { timeLimitMs: 1 }))).code).toBe("FILE_TOO_COMPLEX");
    await loadPdf(en);
    expect(threads.at(-1)).not.toBe(threads.at(-2)); // the timed-out thread was killed, not reused
  });
});
