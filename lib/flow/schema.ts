import { z } from "zod";

/**
 * The flow document: what the canvas edits, what the database stores and what export writes.
 * It is React Flow's own node/edge shape, so the canvas state *is* the flow.
 * Node `data` holds the node type's settings, validated against that type's zod schema.
 */
export const CURRENT_SCHEMA_VERSION = 1;

export const flowNodeSchema = z.object({
  id: z.string().min(1).max(100),
  type: z.string().min(1).max(100),
  position: z.object({ x: z.number(), y: z.number() }).default({ x: 0, y: 0 }),
  data: z.record(z.string(), z.unknown()).default({}),
  /** A name the person gave this node on the canvas. */
  label: z.string().max(200).optional(),
}).passthrough();

export const flowEdgeSchema = z.object({
  id: z.string().min(1).max(200),
  source: z.string().min(1),
  sourceHandle: z.string().min(1),
  target: z.string().min(1),
  targetHandle: z.string().min(1),
}).passthrough();

/**
 * A sticky note on the canvas. Notes live beside the nodes, not among them, so the engine and the
 * validator never see them: a note can never break a run.
 */
export const flowNoteSchema = z.object({
  id: z.string().min(1).max(100),
  position: z.object({ x: z.number(), y: z.number() }).default({ x: 0, y: 0 }),
  text: z.string().max(10_000).default(""),
  width: z.number().positive().max(4000).optional(),
  height: z.number().positive().max(4000).optional(),
});

export const flowDocumentSchema = z.object({
  schemaVersion: z.literal(CURRENT_SCHEMA_VERSION),
  nodes: z.array(flowNodeSchema).max(2000),
  edges: z.array(flowEdgeSchema).max(5000),
  /** Canvas-only sticky notes (optional; older documents have none). */
  notes: z.array(flowNoteSchema).max(500).optional(),
});

export type FlowNode = z.infer<typeof flowNodeSchema>;
export type FlowEdge = z.infer<typeof flowEdgeSchema>;
export type FlowNote = z.infer<typeof flowNoteSchema>;
export type FlowDocument = z.infer<typeof flowDocumentSchema>;

export function emptyFlow(): FlowDocument {
  return { schemaVersion: CURRENT_SCHEMA_VERSION, nodes: [], edges: [] };
}
