import { isSecretName } from "@/lib/security/redact";
import type { FlowDocument } from "./schema";

/**
 * The flow as it may leave the studio in a file (C24): header values that are credentials (an
 * HTTP node's `Authorization`, `X-API-Key`, …) are emptied, so an exported flow shared with a
 * colleague or pasted in an issue carries no token. Provider keys never live in a flow at all.
 * Returns the header names left out, for the person to set again after importing.
 * @example const { document, removed } = exportableFlow(doc); // removed: ["Ask GitHub: Authorization"]
 */
export function exportableFlow(doc: FlowDocument): { document: FlowDocument; removed: string[] } {
  const removed: string[] = [];
  const nodes = doc.nodes.map((node) => {
    const headers = (node.data as { headers?: unknown }).headers;
    if (node.type !== "http-request" || !Array.isArray(headers)) return node;
    const cleaned = headers.map((header: unknown) => {
      const h = header as { name?: unknown; value?: unknown };
      if (typeof h?.name !== "string" || typeof h.value !== "string" || !isSecretName(h.name)) return header;
      // "Bearer {{token}}" takes the secret from an input at run time: nothing to leave out.
      const literal = h.value.replace(/\{\{[^}]*\}\}/g, "").replace(/\b(Bearer|Basic|Token)\b/gi, "").trim();
      if (!literal) return header;
      removed.push(`${node.label || node.id}: ${h.name}`);
      return { ...h, value: "" };
    });
    return { ...node, data: { ...node.data, headers: cleaned } };
  });
  return { document: { ...doc, nodes }, removed };
}
