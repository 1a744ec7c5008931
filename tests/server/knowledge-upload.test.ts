import { readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { checkedBytes, formFiles, jsonField, maxUploadBytes, previewChunks, readMultipart } from "@/lib/server/knowledge-upload";

const MD = path.join("/work/shared/fixtures/docs", "zh/statistics-law-2024-09-13.md");
const PNG = Buffer.from("89504e470d0a1a0a0000000d4948445200000001000000010806000000", "hex");

describe("knowledge uploads", () => {
  beforeAll(() => {
    process.env.TRELLIS_MAX_UPLOAD_MB = "1";
  });

  it("accepts only multipart/form-data: a JSON body naming server files is a 415 before anything is read (C8)", async () => {
    const req = new Request("http://x/api", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ files: { a: { filepath: "/etc/passwd" } } }) });
    await expect(readMultipart(req)).rejects.toMatchObject({ status: 415, code: "unsupported_media_type" });
    expect(req.bodyUsed).toBe(false);
  });

  it("reads every file of a multipart form, whatever the field name, in order", async () => {
    const form = new FormData();
    form.append("files", new Blob(["一"]), "a.txt");
    form.append("note", "text fields are not files");
    form.append("other", new Blob(["二"]), "b.txt");
    const req = new Request("http://x/api", { method: "POST", body: form });
    const files = formFiles(await readMultipart(req));
    expect(files.map((f) => f.name)).toEqual(["a.txt", "b.txt"]);
  });

  it("refuses a file over TRELLIS_MAX_UPLOAD_MB, an empty file and a PNG named .txt before storing anything", async () => {
    expect(maxUploadBytes()).toBe(1024 * 1024);
    await expect(checkedBytes(new File([new Uint8Array(1024 * 1024 + 1).fill(65)], "big.txt"), maxUploadBytes())).rejects.toMatchObject({ code: "FILE_TOO_LARGE", status: 413 });
    await expect(checkedBytes(new File([], "empty.txt"), maxUploadBytes())).rejects.toMatchObject({ code: "FILE_EMPTY" });
    const png = checkedBytes(new File([PNG], "photo.txt"), maxUploadBytes());
    await expect(png).rejects.toMatchObject({ code: "FILE_UNSUPPORTED" });
    await expect(png.catch((e: { messageIn(l: string): string }) => e.messageIn("zh"))).resolves.toMatch(/PNG/);
    await expect(checkedBytes(new File(["第一条 总则。"], "ok.md"), maxUploadBytes())).resolves.toBeInstanceOf(Uint8Array);
  });

  it("previews one file with two settings side by side: smaller chunks → more of them, nothing stored", async () => {
    const file = new File([readFileSync(MD)], "statistics-law.md");
    const { kind, columns } = await previewChunks(file, [
      { mode: "general", chunkSize: 200, chunkOverlap: 20, parentSize: 1200 },
      { mode: "parent-child", chunkSize: 300, chunkOverlap: 30, parentSize: 1500 },
    ]);
    expect(kind).toBe("markdown");
    expect(columns).toHaveLength(2);
    expect(columns[0].total).toBeGreaterThan(columns[1].total / 2);
    expect(columns[0].chunks.every((c) => c.text.length <= 200)).toBe(true);
    expect(columns[1].chunks[0].parentText?.length).toBeGreaterThan(columns[1].chunks[0].text.length);
    // Chinese boundaries: a chunk never starts with a closing punctuation mark.
    expect(columns[0].chunks.some((c) => /^[。，；]/.test(c.text))).toBe(false);
  });

  it("refuses invalid chunking settings with a clear error", async () => {
    const file = new File([readFileSync(MD)], "statistics-law.md");
    await expect(previewChunks(file, [{ mode: "general", chunkSize: 100, chunkOverlap: 80, parentSize: 1200 }])).rejects.toThrow(/half|一半/);
  });

  it("parses JSON form fields and names the bad one", () => {
    const form = new FormData();
    form.append("settings", '{"chunkSize":500}');
    form.append("compare", "{oops");
    expect(jsonField(form, "settings")).toEqual({ chunkSize: 500 });
    expect(jsonField(form, "missing")).toBeUndefined();
    expect(() => jsonField(form, "compare")).toThrow(/compare/);
  });
});
