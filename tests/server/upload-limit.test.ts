import { beforeAll, describe, expect, it } from "vitest";
import { forEachAppDatabase } from "../support/app-databases";

/**
 * The upload route at the per-file limit (TRELLIS_MAX_UPLOAD_MB, here 1 MB so the files stay
 * small): just under is accepted, just over refused with 413 and the limit in the message, and a
 * request larger than one upload may carry is refused before it is read. The framework's own body
 * limit in front of the route is tested on the production build (tests/e2e/upload-limit.test.ts).
 */

const MB = 1024 * 1024;

function csvOf(bytes: number): Blob {
  const line = "city,note\n北京,首都与文化中心\n";
  const unit = Buffer.byteLength(line);
  const text = line.repeat(Math.floor(bytes / unit)) + "x".repeat(bytes % unit);
  return new Blob([text], { type: "text/csv" });
}

type Handler = (req: Request, seg: { params: Promise<Record<string, string>> }) => Promise<Response>;

forEachAppDatabase(
  "upload limit",
  (app) => {
    let documentStatus: () => Promise<string[]>;
    let upload: (form: FormData, headers?: Record<string, string>, lang?: string) => Promise<{ status: number; body: Record<string, any> }>; // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON bodies

    beforeAll(async () => {
      const kbs = (await app.load(() => import("@/app/api/v1/knowledge-bases/route"))) as unknown as Record<string, Handler>;
      const documents = (await app.load(() => import("@/app/api/v1/knowledge-bases/[kbId]/documents/route"))) as unknown as Record<string, Handler>;
      const created = await kbs.POST(app.request("/api/v1/x", { method: "POST", json: { name: "上限", embeddingProvider: "offline" } }), { params: Promise.resolve({}) });
      const kbId = (await created.json()).knowledgeBase.id;
      upload = async (form, headers = {}, lang) => {
        const res = await documents.POST(app.request("/api/v1/x", { method: "POST", body: form, headers, lang }), { params: Promise.resolve({ kbId }) });
        return { status: res.status, body: await res.json() };
      };
      documentStatus = async () => {
        const res = await documents.GET(app.request("/api/v1/x"), { params: Promise.resolve({ kbId }) });
        return (await res.json()).documents.map((d: { status: string }) => d.status);
      };
    });

    describe("finding 8: uploads work up to TRELLIS_MAX_UPLOAD_MB, and just over is a 413 that says so", () => {
      it("accepts a file just under the limit, and it is ingested", async () => {
        const form = new FormData();
        form.append("files", csvOf(MB - 10 * 1024), "under.csv");
        const res = await upload(form);
        expect(res.status, JSON.stringify(res.body)).toBe(202);
        expect(res.body.results[0]).toMatchObject({ name: "under.csv", status: "queued" });
        await expect.poll(documentStatus, { timeout: 90_000, interval: 500 }).toEqual(["ready"]);
      }, 120_000);

      it("refuses a file just over the limit with 413 and the limit in the caller's language", async () => {
        const form = new FormData();
        form.append("files", csvOf(MB + 10 * 1024), "over.csv");
        const en = await upload(form);
        expect(en.status).toBe(413);
        expect(en.body.error).toMatchObject({ code: "FILE_TOO_LARGE", message: expect.stringContaining("1 MB limit") });
        const zh = await upload(form, {}, "zh-CN");
        expect(zh.body.error.message).toContain("1 MB 的上限");
      });

      it("refuses a request larger than one upload may carry before reading it", async () => {
        const form = new FormData();
        form.append("files", csvOf(1024), "small.csv");
        const res = await upload(form, { "content-length": String(4 * MB) });
        expect(res.status).toBe(413);
        expect(res.body.error).toMatchObject({ code: "UPLOAD_TOO_LARGE", message: expect.stringContaining("fewer files") });
      });
    });
  },
  { TRELLIS_MAX_UPLOAD_MB: "1" },
);
