import type { NodeRegistry } from "@/nodes/define";
import type { FlowDocument } from "./schema";
import { holdsLiteralSecret, isSecretEnvelope, mapSecretValues } from "./secrets";

/**
 * The flow as it may leave the studio in a file (C24): secret settings (an HTTP node's
 * `Authorization`, `X-API-Key`, …, any field a node marks secret) are emptied — whether the
 * studio holds them masked or as text just typed — so an exported flow shared with a colleague
 * or pasted in an issue carries no token, not even an encrypted one. Provider keys never live in
 * a flow at all. Returns the settings left out, for the person to set again after importing.
 * @example const { document, removed } = exportableFlow(doc, nodeRegistry); // removed: ["Ask GitHub: Authorization"]
 */
export function exportableFlow(doc: FlowDocument, registry: NodeRegistry): { document: FlowDocument; removed: string[] } {
  const removed: string[] = [];
  const document = mapSecretValues(doc, registry, ({ node, path, value }) => {
    // "Bearer {{token}}" takes the secret from an input at run time: nothing to leave out.
    if (!isSecretEnvelope(value) && !(typeof value === "string" && holdsLiteralSecret(value))) return value;
    removed.push(`${node.label || node.id}: ${settingName(node.data, path)}`);
    return "";
  });
  return { document, removed };
}

/** A header's name for a header value ("Authorization"), else the setting's path ("apiKey"). */
function settingName(data: unknown, path: (string | number)[]): string {
  if (path.length === 3 && path[0] === "headers" && path[2] === "value") {
    const headers = (data as { headers?: unknown }).headers;
    const name = Array.isArray(headers) ? (headers[path[1] as number] as { name?: unknown } | undefined)?.name : undefined;
    if (typeof name === "string") return name;
  }
  return path.join(".");
}
