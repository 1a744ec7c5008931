import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appSession } from "../support/app-session";
import { getFreePort } from "../support/model-server";

/** The knowledge base's rerank default through PATCH /api/v1/knowledge-bases/:id, as Next.js calls it. */

const ORIGIN = "http://studio.test";
type Handler = (req: Request, seg: { params: Promise<Record<string, string>> }) => Promise<Response>;

describe("rerank settings through the API", () => {
  let session: Awaited<ReturnType<typeof appSession>>;
  let kbs: Record<string, Handler>;
  let kb: Record<string, Handler>;
  let kbId = "";
  let vllmId = "";

  const call = async (handler: Handler, method: string, params: Record<string, string>, json?: unknown, lang?: string) => {
    const headers: Record<string, string> = { "content-type": "application/json", ...(lang ? { "accept-language": lang } : {}) };
    const res = await handler(session.request(`${ORIGIN}/api/v1/x`, { method, headers, body: json === undefined ? undefined : JSON.stringify(json) }), { params: Promise.resolve(params) });
    return { status: res.status, body: await res.json() };
  };
  const patch = (json: unknown, lang?: string) => call(kb.PATCH, "PATCH", { kbId }, json, lang);

  beforeAll(async () => {
    process.env.OLLAMA_BASE_URL = `http://127.0.0.1:${await getFreePort()}`;
    session = await appSession();
    kbs = (await import("@/app/api/v1/knowledge-bases/route")) as unknown as Record<string, Handler>;
    kb = (await import("@/app/api/v1/knowledge-bases/[kbId]/route")) as unknown as Record<string, Handler>;
    const created = await call(kbs.POST, "POST", {}, { name: "重排序", embeddingProvider: "offline" });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    kbId = created.body.knowledgeBase.id;
    const { getDb } = await import("@/lib/db");
    const { createProvider } = await import("@/lib/db/queries/providers");
    vllmId = (await createProvider(await getDb(), "local", { kind: "openai", name: "vLLM", baseUrl: "http://127.0.0.1:8000/v1" })).id;
  });
  afterAll(async () => session?.dispose());

  it("stores a rerank provider, model and candidates, keeping the other retrieval defaults", async () => {
    const res = await patch({ retrieval: { rerank: { provider: vllmId, model: "BAAI/bge-reranker-v2-m3", topN: 30 } } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.knowledgeBase.retrieval).toMatchObject({ mode: "hybrid", topK: 5, rerank: { provider: vllmId, model: "BAAI/bge-reranker-v2-m3", topN: 30 } });
  });

  it("turns reranking off with null", async () => {
    const res = await patch({ retrieval: { rerank: null } });
    expect(res.status).toBe(200);
    expect(res.body.knowledgeBase.retrieval.rerank).toBeNull();
  });

  it("refuses, in the person's language, a provider that offers no rerank or does not exist", async () => {
    const offline = await patch({ retrieval: { rerank: { provider: "offline" } } }, "zh-CN");
    expect(offline.status).toBe(400);
    expect(offline.body.error).toMatchObject({ code: "provider:no_rerank", message: expect.stringContaining("不提供重排序") });
    const missing = await patch({ retrieval: { rerank: { provider: "no-such-provider" } } });
    expect(missing.status).toBe(400);
    expect(missing.body.error.code).toBe("provider_not_found");
    const bad = await patch({ retrieval: { rerank: { provider: vllmId, topN: 0 } } });
    expect(bad.status).toBe(400);
  });
});
