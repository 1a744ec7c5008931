import { afterAll, expect, it } from "vitest";
import type { BrowserContext, Page } from "playwright-core";
import { createKnowledgeBaseViaApi } from "./pages/canvas";
import { screenshot } from "./pages/knowledge";
import { authFetch } from "./support/auth";
import { describeBrowser, newContext } from "./support/browser";
import { withStudio, type Studio } from "./support/studio";

/**
 * Walks every page of the studio in a Chinese browser and reads what a person sees there —
 * text, placeholders, labels and tooltips — looking for English left untranslated. Allowed:
 * product and protocol names, model names, code samples (pre/code) and the person's own data.
 */
const FIXTURE = "/work/shared/fixtures/docs/zh/statistics-law-2024-09-13.md";

/** Names that are the same in every language. */
const ALLOWED = [
  "Trellis", "Ollama", "Qwen", "Hugging Face", "OpenAI", "vLLM", "LM Studio", "Jina", "TEI", "TGI", "Text Embeddings Inference", "Inference Providers", "Inference Endpoints?",
  "English", "Ctrl", "Cmd", "Shift", "Enter", "Delete", "Esc", "JavaScript",
  "API", "URL", "JSON", "JSONL", "CSV", "PDF", "DOCX", "Markdown", "HTML", "TXT", "SSE", "HTTPS?", "GET", "POST", "PATCH", "DELETE", "Bearer", "Top-K", "BM25", "RRF", "ID", "Cookie", "token", "IPv[46]", "LLM",
  // model and provider ids as configured
  "qwen2\\.5(:\\w+)?", "shaw/dmeta-embedding-zh", "offline-[\\w-]+", "BAAI/[\\w.-]+", "Qwen/[\\w.-]+", "nomic-embed-text", "hf_…", "sk-…", "trl_\\w*…?",
  // addresses and samples
  "https?://\\S+", "[\\w.+-]+@[\\w.-]+", "user\\.age", "\\{\\{[^}]*\\}\\}", '"stream": false', "(?:/[\\w<>\\u4e00-\\u9fff.-]+)+",
  // the code node's one-line example of what to write
  "function main\\(inputs\\)", "return \\{[^}]*\\}", "inputs\\.[\\w.]+",
];
const allowed = new RegExp(`(?<![\\w])(${ALLOWED.join("|")})(?![\\w])`, "gi");

let studio: Studio;
withStudio({ tokenDelayMs: 0 }, (s) => (studio = s));
const contexts: BrowserContext[] = [];
afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => undefined);
});

/** Everything a person reads on the page, code samples left out. */
function visibleText(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    // Code samples, and what the model answered or a node produced (the chat and the trace show data).
    const skip = (el: Element | null) => !!el?.closest("pre, code, script, style, noscript, textarea, .bubble.assistant, [data-testid=trace-step] dd, [data-testid=trace-step] pre");
    const out: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent?.trim();
      if (text && !skip(node.parentElement)) out.push(text);
    }
    for (const el of document.querySelectorAll("[placeholder], [aria-label], [title]")) {
      if (skip(el)) continue;
      for (const attr of ["placeholder", "aria-label", "title"]) {
        const value = el.getAttribute(attr)?.trim();
        if (value) out.push(value);
      }
    }
    out.push(document.title);
    return out;
  });
}

/** Latin words left once allowed names and the person's own data are taken out. */
function english(texts: string[], userData: string[]): string[] {
  const found = new Set<string>();
  for (const raw of texts) {
    let text = raw;
    for (const data of userData) text = text.split(data).join(" ");
    text = text.replace(allowed, " ");
    for (const word of text.match(/[A-Za-z][A-Za-z'-]{2,}/g) ?? []) found.add(`${word}  ←  ${raw.slice(0, 120)}`);
  }
  return [...found];
}

async function api<T>(url: string, init: RequestInit & { json?: unknown } = {}): Promise<T> {
  const { json, ...rest } = init;
  // Created in Chinese, as a Chinese browser would (templates are written in the caller's language).
  const headers = { "Accept-Language": "zh-CN", ...(json !== undefined ? { "Content-Type": "application/json" } : {}) };
  const res = await authFetch(`${studio.app.url}${url}`, { ...rest, headers, body: json !== undefined ? JSON.stringify(json) : rest.body });
  return (await res.json()) as T;
}

describeBrowser("every studio page in Chinese", () => {
  it("shows no untranslated English", async () => {
    const kb = await createKnowledgeBaseViaApi(studio.app.url, "统计法规", [FIXTURE]);
    const { flow } = await api<{ flow: { id: string; graph: { nodes: { id: string; type: string; data: Record<string, unknown> }[] }; revision: number } }>("/api/v1/flows", {
      method: "POST",
      json: { name: "法规问答", templateId: "kb-qa" },
    });
    const graph = structuredClone(flow.graph);
    for (const node of graph.nodes) if (node.type === "retriever") node.data = { ...node.data, knowledgeBaseIds: [kb.id] };
    await api(`/api/v1/flows/${flow.id}`, { method: "PATCH", json: { graph, expectedRevision: flow.revision } });
    await api(`/api/v1/flows/${flow.id}/versions`, { method: "POST", json: { note: "第一版" } });
    await api("/api/v1/api-keys", { method: "POST", json: { name: "集成测试", role: "viewer" } });
    const invite = await api<{ url: string }>("/api/v1/invites", { method: "POST", json: { role: "editor" } });
    // What the person typed or uploaded, and the ids the pages show for reference.
    // "owner" is the owner's display name (from TRELLIS_ADMIN_EMAIL).
    // "context" and "question" are the template's {{variables}}, shown as the prompt's input names.
    const userData = ["context", "question", "统计法规", "法规问答", "第一版", "集成测试", "statistics-law-2024-09-13.md", "owner@trellis.test", "owner", kb.id, flow.id];

    const context = await newContext(studio.browser, "zh-CN");
    contexts.push(context);
    const page = await context.newPage();
    const pages: [string, string, (p: Page) => Promise<void>][] = [
      ["flows", "/", async () => undefined],
      ["knowledge", "/knowledge", async (p) => p.locator("details summary").first().click()],
      ["knowledge-base", `/knowledge/${kb.id}`, async () => undefined],
      ["retrieval", `/knowledge/${kb.id}/retrieval`, async (p) => {
        await p.getByTestId("kb-query").fill("统计的基本任务");
        await p.getByTestId("kb-query-run").click();
        await p.getByTestId("kb-hit").first().waitFor();
      }],
      ["studio", `/flows/${flow.id}`, async (p) => {
        await p.locator('[data-testid="canvas-node"][data-node-type="retriever"] .cnode-head').click();
        await p.getByTestId("tab-settings").click();
        await p.getByTestId("tab-checklist").click();
        await p.getByTestId("tab-test").click();
        await p.getByTestId("composer").fill("统计的基本任务是什么？");
        await p.getByTestId("send").click();
        await p.getByTestId("answer").last().waitFor();
        await p.waitForTimeout(1500);
      }],
      ["versions", `/flows/${flow.id}/versions`, async () => undefined],
      ["providers", "/settings", async () => undefined],
      ["members", "/settings/members", async () => undefined],
      ["api-keys", "/settings/api-keys", async () => undefined],
    ];
    const offenders: Record<string, string[]> = {};
    for (const [name, url, act] of pages) {
      await page.goto(`${studio.app.url}${url}`, { waitUntil: "networkidle" });
      await act(page);
      await page.waitForTimeout(300);
      const found = english(await visibleText(page), userData);
      if (found.length) offenders[name] = found;
      await screenshot(page, `i18n-zh-${name}`);
    }

    // The invitation as the invitee sees it (not signed in).
    const stranger = await newContext(studio.browser, "zh-CN", { signedIn: false });
    contexts.push(stranger);
    const invitee = await stranger.newPage();
    for (const [name, url] of [["invite", invite.url], ["login", "/login"]] as const) {
      await invitee.goto(`${studio.app.url}${url}`, { waitUntil: "networkidle" });
      const texts = await visibleText(invitee);
      const found = english(texts, userData);
      if (found.length) offenders[name] = found;
      if (name === "invite") {
        expect(texts.join(" ")).toContain("Trellis");
        expect(texts.join(" ")).not.toMatch(/\bLocal\b/);
      }
      await screenshot(invitee, `i18n-zh-${name}`);
    }
    expect(offenders).toEqual({});
  });
});
