import { documentsToText, type DocumentChunk, type PortKind } from "@/nodes/ports";

/** Turns a value leaving one port kind into what the receiving port kind expects. */
export type Converter = (value: unknown) => unknown;

function isChunkList(value: unknown): value is DocumentChunk[] {
  return Array.isArray(value) && value.every((item) => typeof item === "object" && item !== null && typeof (item as DocumentChunk).text === "string");
}

export { documentsToText };

function jsonToText(value: unknown): string {
  if (typeof value === "string") return value;
  if (value === undefined || value === null) return "";
  return JSON.stringify(value) ?? String(value);
}

/** Best effort for values whose kind is only known at run time (an `any` output). */
function anyToText(value: unknown): string {
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return String(value);
  if (isChunkList(value) && value.length > 0) return documentsToText(value);
  return jsonToText(value);
}

const scalarToText: Converter = (value) => (value === undefined || value === null ? "" : String(value));
const docsToText: Converter = (value) => (isChunkList(value) ? documentsToText(value) : anyToText(value));

/**
 * The converter an edge applies, chosen once per edge before the run (null: pass unchanged).
 * Mirrors `canConnect`: only conversions it allows exist; everything else passes as is.
 * @example converterFor("number", "text")!(3) // "3"
 */
export function converterFor(from: PortKind, to: PortKind): Converter | null {
  if (from === to || to !== "text") return null;
  switch (from) {
    case "number":
    case "boolean":
      return scalarToText;
    case "documents":
      return docsToText;
    case "json":
      return jsonToText;
    case "any":
      return anyToText;
    default:
      return null;
  }
}
