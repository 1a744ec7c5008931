import { describe, expect, it } from "vitest";
import { z } from "zod";
import { runFlow } from "@/lib/engine/run-flow";
import type { EngineServices } from "@/lib/engine/types";
import { type NodeRegistry, defineNode } from "@/nodes/define";
import type { RunEvent } from "@/lib/flow/run-record";
import { listTemplates, templateFlow, templateIds } from "@/lib/flow/templates";
import { validateFlow } from "@/lib/flow/validate";
import type { Locale } from "@/lib/i18n/locale";
import { createChatModel, offlineProvider } from "@/lib/providers";
import { createGuardedFetch } from "@/lib/security/ssrf";
import { nodeRegistry } from "@/nodes";
import { port, type DocumentChunk } from "@/nodes/ports";

const locales: Locale[] = ["en", "zh"];

/** Models through the real offline provider; the web through the real SSRF guard, whose DNS answers a private address and which can never dial. */
function offlineServices(extra: Partial<EngineServices> = {}): EngineServices {
  const model = createChatModel(offlineProvider);
  return {
    chat: ({ provider: _provider, model: _model, ...request }) => model.invoke(request),
    fetch: createGuardedFetch({
      resolve: async () => ["10.1.2.3"],
      connect: () => {
        throw new Error("the test must not open sockets");
      },
    }),
    ...extra,
  };
}

async function run(registry: NodeRegistry, id: string, locale: Locale, message: string, services = offlineServices()): Promise<RunEvent[]> {
  const graph = templateFlow(id, registry, locale);
  if (!graph) throw new Error(`template ${id} not buildable`);
  const events: RunEvent[] = [];
  for await (const event of runFlow(graph, { registry, services, input: { message, history: [], variables: {} }, locale })) events.push(event);
  return events;
}

const finishedOf = (events: RunEvent[]) => events.find((e): e is Extract<RunEvent, { type: "run-finished" }> => e.type === "run-finished");

/** The retriever as its contract says it will look (query in, documents out), for the knowledge-base template. */
const standInRetriever = defineNode({
  type: "retriever",
  version: 1,
  ui: { label: { en: "Retriever", zh: "知识检索" }, description: { en: "r", zh: "r" }, category: "rag", icon: "search" },
  config: z.object({ knowledgeBaseIds: z.array(z.string()).default(["kb-1"]), topK: z.number().int().default(4) }),
  inputs: { query: port.text({ required: true }) },
  outputs: { documents: port.documents() },
  async run({ config, inputs, ctx }) {
    if (!ctx.retrieve) throw new Error("no retrieval");
    return { documents: await ctx.retrieve({ knowledgeBaseIds: config.knowledgeBaseIds, query: inputs.query, topK: config.topK }) };
  },
});

describe("flow templates", () => {
  it.each(locales)("lists every buildable template with a name and a description in %s", (locale) => {
    const listed = listTemplates(nodeRegistry, locale);
    const hasRetriever = Object.hasOwn(nodeRegistry, "retriever");
    expect(listed.map((t) => t.id)).toEqual(templateIds.filter((id) => id !== "kb-qa" || hasRetriever));
    for (const template of listed) expect(template.name.length * template.description.length).toBeGreaterThan(0);
    if (locale === "zh") expect(listed.every((t) => /\p{Script=Han}/u.test(t.name))).toBe(true);
  });

  it("lists the knowledge-base template only once a retriever node type exists", () => {
    expect(listTemplates({ ...nodeRegistry, retriever: standInRetriever }, "en").map((t) => t.id)).toContain("kb-qa");
    const { retriever: _absent, ...without } = { ...nodeRegistry, retriever: standInRetriever };
    expect(listTemplates(without, "en").map((t) => t.id)).not.toContain("kb-qa");
    expect(templateFlow("kb-qa", without, "en")).toBeUndefined();
  });

  it.each(locales.flatMap((locale) => listTemplates(nodeRegistry, locale).map((t) => [t.id, locale] as const)))("%s (%s) passes validation with the real node types", (id, locale) => {
    const result = validateFlow(templateFlow(id, nodeRegistry, locale), nodeRegistry, locale);
    expect(result.ok ? [] : result.problems.map((p) => p.message)).toEqual([]);
  });

  it("writes prompts in the person's language", () => {
    const zh = JSON.stringify(templateFlow("http-summary", nodeRegistry, "zh"));
    expect(zh).toContain("请为不懂编程的人总结这段 JSON：{{body}}");
    expect(JSON.stringify(templateFlow("topic-router", nodeRegistry, "en"))).toContain("You handle refunds");
  });

  it.each(locales)("blank and starter answer with the offline providers (%s)", async (locale) => {
    for (const id of ["blank", "starter"]) {
      const done = finishedOf(await run(nodeRegistry, id, locale, "退款多久到账？"));
      expect(done?.status, id).toBe("succeeded");
      expect(done?.answer?.text, id).toContain(id === "blank" ? "退款多久到账？" : "");
      expect(done?.answer?.text.length, id).toBeGreaterThan(0);
    }
  });

  it.each(locales)("topic router sends refund questions to the refunds assistant and others to the general one (%s)", async (locale) => {
    const refund = await run(nodeRegistry, "topic-router", locale, "我想申请退款");
    expect(finishedOf(refund)?.status).toBe("succeeded");
    const ran = (events: RunEvent[]) => events.filter((e) => e.type === "node-finished").map((e) => (e as { nodeId: string }).nodeId);
    expect(ran(refund)).toContain("refunds");
    expect(ran(refund)).not.toContain("general");
    const other = await run(nodeRegistry, "topic-router", locale, "What is the weather like?");
    expect(finishedOf(other)?.status).toBe("succeeded");
    expect(ran(other)).toContain("general");
    expect(ran(other)).not.toContain("refunds");
    expect(finishedOf(other)?.answer?.text.length).toBeGreaterThan(0);
  });

  it("HTTP template: the request goes through the SSRF guard, which refuses a private address with a clear message", async () => {
    const events = await run(nodeRegistry, "http-summary", "en", "What is this project?");
    const failed = events.find((e) => e.type === "node-failed");
    expect(failed).toMatchObject({ nodeId: "http" });
    const message = (failed as Extract<RunEvent, { type: "node-failed" }>).error.message;
    expect(message).toMatch(/Ask GitHub/);
    expect(message).toMatch(/private|internal|not allowed|refused/i);
    expect(finishedOf(events)?.status).toBe("failed");
  });

  it("HTTP template: fills the URL from the start variables' defaults", async () => {
    const seen: string[] = [];
    const services = offlineServices({
      fetch: async (request) => {
        seen.push(request.url);
        return { status: 200, headers: {}, body: JSON.stringify({ full_name: "vercel/next.js", description: "The React Framework" }), truncated: false, url: request.url };
      },
    });
    const done = finishedOf(await run(nodeRegistry, "http-summary", "zh", "这是什么项目？", services));
    expect(seen).toEqual(["https://api.github.com/repos/vercel/next.js"]);
    expect(done?.status).toBe("succeeded");
  });

  it.each(locales)("knowledge-base Q&A validates and answers with citations from the retriever (%s)", async (locale) => {
    const registry = { ...nodeRegistry, retriever: standInRetriever };
    expect(validateFlow(templateFlow("kb-qa", registry, locale), registry, locale).ok).toBe(true);
    const docs: DocumentChunk[] = [
      { id: "c1", text: "退款会在 7 个工作日内原路退回。", documentName: "退款政策.md" },
      { id: "c2", text: "Shipping takes three days.", documentName: "shipping.md" },
    ];
    const done = finishedOf(await run(registry, "kb-qa", locale, "退款多久到账？", offlineServices({ retrieve: async () => docs })));
    expect(done?.status).toBe("succeeded");
    expect(done?.answer?.text).toContain("7 个工作日");
    expect(done?.answer?.citations.map((c) => c.id)).toContain("c1");
  });
});
