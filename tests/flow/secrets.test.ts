import { z } from "zod";
import { describe, expect, it } from "vitest";
import { diffFlows } from "@/lib/flow/diff";
import { describeFlowDiff } from "@/lib/flow/diff-text";
import type { FlowDocument } from "@/lib/flow/schema";
import { holdsLiteralSecret, maskFlowSecrets, secretHint, secretPathsOf, secretsAsText } from "@/lib/flow/secrets";
import { analyzeFlow, validateFlow } from "@/lib/flow/validate";
import { nodeRegistry } from "@/nodes";
import { defineNode } from "@/nodes/define";
import { isSensitiveHeader } from "@/nodes/http-request";

/** A node type whose schema marks fields secret, at the top and inside a list. */
const vault = defineNode({
  type: "vault",
  version: 1,
  ui: { label: { en: "Vault", zh: "保险库" }, description: { en: "", zh: "" }, category: "tools", icon: "lock" },
  config: z.object({
    apiKey: z.string().min(1).meta({ secret: true, label: { en: "API key", zh: "API 密钥" } }),
    region: z.string().default("eu"),
    accounts: z.array(z.object({ user: z.string(), password: z.string().optional().meta({ secret: true }) })).default([]),
  }),
  inputs: {},
  outputs: {},
  run: async () => ({}),
});

const stored = (id: string, extra: Record<string, unknown> = {}) => ({ $secret: `v1:iv:tag:${id}`, id, ...extra });

function httpFlow(headers: { name: string; value: unknown }[]): FlowDocument {
  return {
    schemaVersion: 1,
    nodes: [
      { id: "start", type: "start", position: { x: 0, y: 0 }, data: {} },
      { id: "call", type: "http-request", position: { x: 1, y: 0 }, data: { url: "https://api.example.com/x", headers } },
      { id: "answer", type: "answer", position: { x: 2, y: 0 }, data: {} },
    ],
    edges: [{ id: "e", source: "call", sourceHandle: "body", target: "answer", targetHandle: "text" }],
  } as FlowDocument;
}

describe("secret fields of node settings", () => {
  it("finds fields a schema marks .meta({ secret: true }), inside lists too", () => {
    const data = { apiKey: "k", accounts: [{ user: "a", password: "p" }, { user: "b" }] };
    expect(secretPathsOf(vault, data)).toEqual([["apiKey"], ["accounts", 0, "password"], ["accounts", 1, "password"]]);
  });

  it("treats HTTP headers with credential-like names as secrets, others not", () => {
    for (const name of ["Authorization", "Proxy-Authorization", "Cookie", "X-Api-Key", "Api-Key", "X-Auth-Token", "X-Goog-Api-Key", "X-Client-Secret", "X-Session-Id"]) expect(isSensitiveHeader(name), name).toBe(true);
    for (const name of ["Accept", "Content-Type", "User-Agent", "X-Request-Id"]) expect(isSensitiveHeader(name), name).toBe(false);
    const data = { headers: [{ name: "Accept", value: "x" }, { name: "authorization", value: "Bearer y" }, { name: "X-Note", value: stored("s_1") }] };
    // An envelope stays secret even under a header that no longer sounds like one.
    expect(secretPathsOf(nodeRegistry["http-request"], data)).toEqual([["headers", 1, "value"], ["headers", 2, "value"]]);
  });

  it("masks stored secrets and any clear text in a secret field, and leaves templates readable", () => {
    const doc = httpFlow([
      { name: "Authorization", value: stored("s_a", { hint: "…k3f9" }) },
      { name: "X-Api-Key", value: "clear-text-from-an-old-save-1234567" },
      { name: "X-Auth-Token", value: "{{token}}" },
      { name: "Accept", value: "application/json" },
    ]);
    const masked = maskFlowSecrets(doc, nodeRegistry);
    expect((masked.nodes[1].data as { headers: unknown[] }).headers).toEqual([
      { name: "Authorization", value: { $secret: true, id: "s_a", hint: "…k3f9" } },
      { name: "X-Api-Key", value: { $secret: true, hint: "…4567" } },
      { name: "X-Auth-Token", value: "{{token}}" },
      { name: "Accept", value: "application/json" },
    ]);
    expect(JSON.stringify(masked)).not.toMatch(/v1:|clear-text/);
    expect(masked.nodes[0]).toBe(doc.nodes[0]);
  });

  it("gives a hint only for long values and counts templates as no secret", () => {
    expect(secretHint("short-pass")).toBeUndefined();
    expect(secretHint("Bearer sk-live-0123456789abk3f9")).toBe("…k3f9");
    expect(holdsLiteralSecret("Bearer {{ token }}")).toBe(false);
    expect(holdsLiteralSecret("Bearer sk-1{{suffix}}")).toBe(true);
  });

  it("validates a flow holding masked secrets, keeping the ports their {{variables}} give", () => {
    const doc = httpFlow([{ name: "Authorization", value: { $secret: true, id: "s_a", vars: ["tenant"] } }]);
    expect(secretsAsText((doc.nodes[1].data as { headers: unknown[] }).headers)).toEqual([{ name: "Authorization", value: "[secret]{{tenant}}" }]);
    doc.edges.push({ id: "e0", source: "start", sourceHandle: "message", target: "call", targetHandle: "tenant" });
    const result = validateFlow(doc, nodeRegistry, "en");
    expect(result.ok ? [] : result.problems).toEqual([]);
    expect(analyzeFlow(doc, nodeRegistry, "en").nodes.get("call")?.ports?.inputs).toHaveProperty("tenant");
    // The stored document is returned as it came: the envelope, not the stand-in text.
    expect(result.ok && (result.flow.nodes[1].data as { headers: { value: unknown }[] }).headers[0].value).toEqual({ $secret: true, id: "s_a", vars: ["tenant"] });
  });

  it("reports a required secret left empty like any required setting", () => {
    const registry = { ...nodeRegistry, vault };
    const doc = { schemaVersion: 1, nodes: [{ id: "v", type: "vault", position: { x: 0, y: 0 }, data: { apiKey: { $secret: true, id: "s_v" } } }], edges: [] } as FlowDocument;
    expect(analyzeFlow(doc, registry, "en").nodes.get("v")?.configValid).toBe(true);
    doc.nodes[0].data = { apiKey: "" };
    expect(analyzeFlow(doc, registry, "en").nodes.get("v")?.configValid).toBe(false);
  });

  it("says a secret changed, was set or removed — never its value — in both languages", () => {
    const a = httpFlow([{ name: "Authorization", value: { $secret: true, id: "s_a", hint: "…aaaa" } }, { name: "X-Api-Key", value: { $secret: true, id: "s_k" } }]);
    const same = httpFlow([{ name: "Authorization", value: { $secret: true, id: "s_a", hint: "…aaaa" } }, { name: "X-Api-Key", value: { $secret: true, id: "s_k" } }]);
    expect(diffFlows(a, same, { registry: nodeRegistry }).changeCount).toBe(0);
    const b = httpFlow([{ name: "Authorization", value: { $secret: true, id: "s_b", hint: "…bbbb" } }, { name: "X-Api-Key", value: "" }]);
    const diff = diffFlows(a, b, { registry: nodeRegistry });
    const en = describeFlowDiff(diff, { from: a, to: b }, nodeRegistry, "en").map((l) => l.text);
    expect(en).toEqual(["HTTP request: Headers #1 › Value — secret changed", "HTTP request: Headers #2 › Value — secret removed"]);
    const zh = describeFlowDiff(diffFlows(b, a, { registry: nodeRegistry }), { from: b, to: a }, nodeRegistry, "zh").map((l) => l.text);
    expect(zh).toEqual(["HTTP 请求：请求头 #1 › 值——密钥已更改", "HTTP 请求：请求头 #2 › 值——已设置密钥"]);
    expect(JSON.stringify([en, zh])).not.toMatch(/aaaa|bbbb/);
  });
});
