import type { Edge, Node } from "@xyflow/react";

/** What a flow node carries on the canvas: its settings and the name the person gave it. */
export type FlowNodeData = {
  /** The node type's settings, exactly as stored in the flow document's `data`. */
  config: Record<string, unknown>;
  /** The person's name for this node (`node.label` in the document). */
  label?: string;
};

/** What a sticky note carries. */
export type NoteData = { text: string };

/** The React Flow type name of sticky notes; flow node types come from the registry. */
export const NOTE_TYPE = "note";

export type FlowCanvasNode = Node<FlowNodeData, string>;
export type NoteCanvasNode = Node<NoteData, typeof NOTE_TYPE>;
export type CanvasNode = FlowCanvasNode | NoteCanvasNode;
export type CanvasEdge = Edge;

/** The part of the canvas that undo/redo, copy/paste and saving care about. */
export interface GraphSnapshot {
  nodes: CanvasNode[];
  edges: CanvasEdge[];
}

/** True for a sticky note, false for a node of the flow. */
export function isNote(node: CanvasNode): node is NoteCanvasNode {
  return node.type === NOTE_TYPE;
}
