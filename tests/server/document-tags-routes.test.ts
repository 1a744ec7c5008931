import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appSession } from "../support/app-session";
import { getFreePort } from "../support/model-server";

/**
 * Document tags through the API routes, called as Next.js calls them, on the app's own embedded
 * database: the upload's `tags` field, PATCH …/documents/:docId and the retrieve endpoint's filter.
 */

const DOCS = "/work/shared/fixtures/docs";
const LAW = "statistics-law-2024-09-13.md";
const GUIDE = "fedramp-working-with-oscal.md";
const ORIGIN = "http://studio.test";

type Handler = (req: Request, seg: { params: Promise<Record<string, string>> }) => Promise<Response>;
type Mod = Record<string, Handler>;
type Doc = { id: string; name: string; status: string; tags: string[] };

describe("document tags through the API", () => {
  let session: Awaited<ReturnType<typeof appSession>>;
  const mods: Record<string, Mod> = {};
  let kbId = "";
  let viewerKey = "";

  const call = async (mod: string, method: string, params: Record<string, string>, init: { json?: unknown; form?: FormData; auth?: string; lang?: string } = {}) => {
    const headers: Record<string, string> = {};
    if (init.json !== undefined) headers["content-type"] = "application/json";
    if (init.lang) headers["accept-language"] = init.lang;
    const body = init.form ?? (init.json !== undefined ? JSON.stringify(init.json) : undefined);
    const req = init.auth
      ? new Request(`${ORIGIN}/api/v1/x`, { method, body, headers: { ...headers, authorization: init.auth } })
      : session.request(`${ORIGIN}/api/v1/x`, { method, body, headers });
    const res = await mods[mod][method](req, { params: Promise.resolve(params) });
    return { status: res.status, body: res.status === 204 ? null : await res.json() };
  };
  const documents = async () => (await call("documents", "GET", { kbId })).body.documents as Doc[];
  const patch = (doc: Doc, json: unknown, init: { auth?: string; lang?: string; kb?: string } = {}) =>
    call("document", "PATCH", { kbId: init.kb ?? kbId, docId: doc.id }, { json, ...init });

  beforeAll(async () => {
    process.env.OLLAMA_BASE_URL = `http://127.0.0.1:${await getFreePort()}`;
    session = await appSession();
    Object.assign(mods, {
      kbs: await import("@/app/api/v1/knowledge-bases/route"),
      documents: await import("@/app/api/v1/knowledge-bases/[kbId]/documents/route"),
      document: await import("@/app/api/v1/knowledge-bases/[kbId]/documents/[docId]/route"),
      retrieve: await import("@/app/api/v1/knowledge-bases/[kbId]/retrieve/route"),
    });
    const created = await call("kbs", "POST", {}, { json: { name: "标签接口", embeddingProvider: "offline" } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    kbId = created.body.knowledgeBase.id;
    const { getDb } = await import("@/lib/db");
    const { issueApiKey } = await import("@/lib/server/accounts");
    viewerKey = `Bearer ${(await issueApiKey(await getDb(), "local", null, { name: "只读", role: "viewer" })).secret}`;
  });
  afterAll(async () => session?.dispose());

  it("refuses a bad tags field for the whole upload before storing anything", async () => {
    const form = new FormData();
    form.append("files", new Blob([readFileSync(path.join(DOCS, "zh", LAW))]), LAW);
    form.append("tags", "法".repeat(41));
    const res = await call("documents", "POST", { kbId }, { form, lang: "zh-CN" });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: "invalid_tags", message: expect.stringContaining("40 个字符") });
    expect(await documents()).toEqual([]);
  });

  it("tags every new document of an upload batch (comma-separated, trimmed, deduplicated) and lists the tags", async () => {
    const form = new FormData();
    form.append("files", new Blob([readFileSync(path.join(DOCS, "zh", LAW))]), LAW);
    form.append("tags", " 法规 , 2024，法规");
    expect((await call("documents", "POST", { kbId }, { form })).status).toBe(202);
    const second = new FormData();
    second.append("files", new Blob([readFileSync(path.join(DOCS, "en", GUIDE))]), GUIDE);
    second.append("tags", JSON.stringify(["指南"]));
    expect((await call("documents", "POST", { kbId }, { form: second })).status).toBe(202);
    // A duplicate upload with other tags leaves the stored document as it is.
    const again = new FormData();
    again.append("files", new Blob([readFileSync(path.join(DOCS, "zh", LAW))]), "copy.md");
    again.append("tags", "别的");
    expect((await call("documents", "POST", { kbId }, { form: again })).body.results[0].status).toBe("duplicate");

    const deadline = Date.now() + 60_000;
    let docs = await documents();
    while (!docs.every((d) => d.status === "ready") && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      docs = await documents();
    }
    expect(docs.map((d) => [d.name, d.status, d.tags])).toEqual([
      [LAW, "ready", ["法规", "2024"]],
      [GUIDE, "ready", ["指南"]],
    ]);
  });

  it("PATCH replaces a document's tags: trimmed, deduplicated, Chinese kept; the GET routes show them", async () => {
    const [law] = await documents();
    const res = await patch(law, { tags: [" 法规 ", "统计", "法规"] });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.document).toMatchObject({ id: law.id, tags: ["法规", "统计"] });
    expect((await call("document", "GET", { kbId, docId: law.id })).body.document.tags).toEqual(["法规", "统计"]);
    expect((await patch(law, { tags: [] })).body.document.tags).toEqual([]);
    expect((await patch(law, { tags: ["法规", "2024"] })).status).toBe(200);
  });

  it.each([
    ["21 tags", { tags: Array.from({ length: 21 }, (_, i) => `t${i}`) }],
    ["a tag of 41 characters", { tags: ["x".repeat(41)] }],
    ["an empty tag", { tags: [" "] }],
    ["tags as text", { tags: "法规" }],
    ["no tags at all", {}],
  ])("PATCH refuses %s with a 400 and changes nothing", async (_name, body) => {
    const [law] = await documents();
    const res = await patch(law, body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("invalid_request");
    expect((await documents())[0].tags).toEqual(["法规", "2024"]);
  });

  it("PATCH answers 404 for a document of another knowledge base, and 403 to a viewer", async () => {
    const [law] = await documents();
    const other = await call("kbs", "POST", {}, { json: { name: "另一个", embeddingProvider: "offline" } });
    expect((await patch(law, { tags: ["x"] }, { kb: other.body.knowledgeBase.id })).status).toBe(404);
    const denied = await patch(law, { tags: ["x"] }, { auth: viewerKey });
    expect(denied.status).toBe(403);
    expect((await documents())[0].tags).toEqual(["法规", "2024"]);
    // A viewer still reads the tags.
    expect((await call("documents", "GET", { kbId }, { auth: viewerKey })).body.documents[0].tags).toEqual(["法规", "2024"]);
  });

  it("retrieve with filter.tags returns only chunks of documents carrying a tag, and follows a tag change at once", async () => {
    const question = "What formats does FedRAMP accept for OSCAL files?";
    const ask = async (filter?: unknown) => {
      const res = await call("retrieve", "POST", { kbId }, { json: { queries: [question], topK: 5, ...(filter ? { filter } : {}) } });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body.results[0].chunks as Array<{ documentName: string }>;
    };
    expect((await ask())[0].documentName).toBe(GUIDE);
    const lawOnly = await ask({ tags: ["法规"] });
    expect(lawOnly.length).toBeGreaterThan(0);
    expect(new Set(lawOnly.map((c) => c.documentName))).toEqual(new Set([LAW]));
    expect(await ask({ tags: ["没有的标签"] })).toEqual([]);

    const docs = await documents();
    const guide = docs.find((d) => d.name === GUIDE)!;
    expect((await ask({ documentIds: [guide.id], tags: ["法规"] })).length).toBe(0);
    expect((await patch(guide, { tags: ["指南", "法规"] })).status).toBe(200);
    expect((await ask({ tags: ["法规"] }))[0].documentName).toBe(GUIDE);
    expect(new Set((await ask({ documentIds: [guide.id] })).map((c) => c.documentName))).toEqual(new Set([GUIDE]));
  });

  it("retrieve refuses a malformed filter", async () => {
    const res = await call("retrieve", "POST", { kbId }, { json: { queries: ["q"], filter: { tags: "法规" } } });
    expect(res.status).toBe(400);
  });

  it("C8 the upload route takes multipart only: a JSON body naming a server file is refused with 415 and nothing is stored", async () => {
    const before = (await documents()).length;
    for (const json of [{ files: { a: { filepath: "/etc/passwd" } } }, { files: [{ name: "x.txt", path: "/etc/passwd" }] }]) {
      const res = await call("documents", "POST", { kbId }, { json });
      expect(res.status).toBe(415);
    }
    expect(await documents()).toHaveLength(before);
    expect(JSON.stringify(await documents())).not.toContain("passwd");
  });
});
