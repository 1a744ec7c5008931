import { expect } from "vitest";
import type { AppServer } from "./app-server";
import { authFetch } from "./auth";
import { json } from "./sse";

/**
 * A knowledge base with the given documents, ingested (waits until every document is ready).
 * @example const kbId = await knowledgeBaseWith(app, "售后", [{ name: "退货政策.txt", text: "…" }]);
 */
export async function knowledgeBaseWith(app: AppServer, name: string, docs: Array<{ name: string; text: string }>): Promise<string> {
  const kb = await json(`${app.url}/api/v1/knowledge-bases`, { method: "POST", body: { name } });
  expect(kb.status, JSON.stringify(kb.body)).toBe(201);
  const kbId = kb.body.knowledgeBase.id as string;
  const form = new FormData();
  for (const doc of docs) form.append("files", new Blob([doc.text]), doc.name);
  expect((await authFetch(`${app.url}/api/v1/knowledge-bases/${kbId}/documents`, { method: "POST", body: form })).status).toBeLessThan(300);
  for (const deadline = Date.now() + 90_000; ; ) {
    const list = (await json(`${app.url}/api/v1/knowledge-bases/${kbId}/documents`)).body.documents as Array<{ status: string }>;
    if (list.filter((d) => d.status === "ready").length === docs.length) break;
    if (Date.now() > deadline) throw new Error(`ingestion did not finish:\n${app.logs().slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return kbId;
}

/**
 * Publishes a flow the way the studio does (POST …/publish) and applies bot settings
 * (PATCH …/bot); returns the bot's slug. With `kbId`, the flow is the "Knowledge-base Q&A with
 * citations" template pointed at that knowledge base; otherwise the plain chatbot template.
 */
export async function publishBot(app: AppServer, opts: { name: string; kbId?: string; settings?: Record<string, unknown>; accessCode?: string }): Promise<{ slug: string; flowId: string }> {
  const created = await json(`${app.url}/api/v1/flows`, { method: "POST", body: { name: opts.name, templateId: opts.kbId ? "kb-qa" : "starter" }, headers: { "Accept-Language": "zh-CN" } });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const flowId = created.body.flow.id as string;
  if (opts.kbId) {
    const flow = (await json(`${app.url}/api/v1/flows/${flowId}`)).body.flow;
    const graph = structuredClone(flow.graph);
    const retriever = graph.nodes.find((n: { type: string }) => n.type === "retriever");
    retriever.data = { ...retriever.data, knowledgeBaseIds: [opts.kbId], topK: 3, scoreThreshold: 0 };
    const saved = await json(`${app.url}/api/v1/flows/${flowId}`, { method: "PATCH", body: { graph, expectedRevision: flow.revision } });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
  }
  const published = await json(`${app.url}/api/v1/flows/${flowId}/publish`, { method: "POST", body: {} });
  expect(published.status, JSON.stringify(published.body)).toBeLessThan(300);
  if (opts.settings || opts.accessCode) {
    const patched = await json(`${app.url}/api/v1/flows/${flowId}/bot`, { method: "PATCH", body: { ...(opts.settings ? { settings: opts.settings } : {}), ...(opts.accessCode ? { accessCode: opts.accessCode } : {}) } });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
  }
  return { slug: published.body.bot.slug as string, flowId };
}
