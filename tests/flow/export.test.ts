import { describe, expect, it } from "vitest";
import { exportableFlow } from "@/lib/flow/export";
import type { FlowDocument } from "@/lib/flow/schema";
import { nodeRegistry } from "@/nodes";

const flow = (headers: Array<{ name: string; value: string }>): FlowDocument =>
  ({
    schemaVersion: 1,
    nodes: [
      { id: "start", type: "start", position: { x: 0, y: 0 }, data: {} },
      { id: "call", type: "http-request", label: "调用接口", position: { x: 200, y: 0 }, data: { method: "GET", url: "https://api.example.com/x", headers } },
    ],
    edges: [],
  }) as unknown as FlowDocument;

describe("C24 exported flows carry no credentials", () => {
  it("C24 empties credential header values, keeps the rest, and names what it left out", () => {
    const doc = flow([
      { name: "Authorization", value: "Bearer sk-live-1234567890abcdef" },
      { name: "X-API-Key", value: "k-9f8e7d6c5b4a" },
      { name: "Accept", value: "application/json" },
      { name: "Authorization", value: "Bearer {{token}}" },
    ]);
    const { document, removed } = exportableFlow(doc, nodeRegistry);
    const headers = (document.nodes[1].data as { headers: Array<{ name: string; value: string }> }).headers;
    expect(headers).toEqual([
      { name: "Authorization", value: "" },
      { name: "X-API-Key", value: "" },
      { name: "Accept", value: "application/json" },
      { name: "Authorization", value: "Bearer {{token}}" },
    ]);
    expect(removed).toEqual(["调用接口: Authorization", "调用接口: X-API-Key"]);
    expect(JSON.stringify(document)).not.toMatch(/sk-live|k-9f8e/);
    // The flow in the editor is not touched.
    expect(JSON.stringify(doc)).toContain("sk-live-1234567890abcdef");
  });

  it("leaves a flow without secrets exactly as it is (export then import round-trips)", () => {
    const doc = flow([{ name: "Accept", value: "application/json" }]);
    expect(exportableFlow(doc, nodeRegistry)).toEqual({ document: doc, removed: [] });
  });
});
