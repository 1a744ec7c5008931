import type { AnyNodeDef } from "./define";
import { answer } from "./answer";
import { code } from "./code";
import { condition } from "./condition";
import { httpRequest } from "./http-request";
import { llm } from "./llm";
import { prompt } from "./prompt";
import { retriever } from "./retriever";
import { start } from "./start";
import { template } from "./template";

/**
 * Every node type, listed once. The key is the type id stored in flow documents and must
 * equal `def.type` (a test checks it); the canvas, the validator and the engine all look
 * node types up here, never by scanning files.
 * @example nodeRegistry["http-request"].ui.label.zh // "HTTP 请求"
 */
export const nodeRegistry = {
  start,
  prompt,
  llm,
  retriever,
  condition,
  template,
  "http-request": httpRequest,
  code,
  answer,
} satisfies Record<string, AnyNodeDef>;

export type NodeType = keyof typeof nodeRegistry;

/** The type ids in palette order. */
export const nodeTypes = Object.keys(nodeRegistry) as NodeType[];

/**
 * Whether a stored string names a known node type (flow documents come from users and imports).
 * @example isNodeType("llm") // true
 */
export function isNodeType(type: string): type is NodeType {
  return Object.prototype.hasOwnProperty.call(nodeRegistry, type);
}

/**
 * The definition for a type id, or undefined for an unknown type, so callers report
 * "unknown node type" instead of crashing.
 * @example getNodeDef("answer")?.terminal // true
 */
export function getNodeDef(type: string): AnyNodeDef | undefined {
  return isNodeType(type) ? nodeRegistry[type] : undefined;
}
