import { CURRENT_SCHEMA_VERSION, type FlowDocument, type FlowNote } from "@/lib/flow/schema";
import { isNote, NOTE_TYPE, type CanvasEdge, type CanvasNode, type FlowCanvasNode, type NoteCanvasNode } from "./types";

/**
 * Turns a stored flow document into canvas nodes and edges. The document keeps React Flow's
 * shape; only the settings move under `data.config` (so the node's own label can sit beside
 * them) and sticky notes become nodes of type "note".
 * @example const { nodes, edges } = toCanvas(flow.graph);
 */
export function toCanvas(doc: FlowDocument): { nodes: CanvasNode[]; edges: CanvasEdge[] } {
  const nodes: CanvasNode[] = doc.nodes.map((node): FlowCanvasNode => {
    const data: FlowCanvasNode["data"] = { config: { ...node.data } };
    if (node.label !== undefined) data.label = node.label;
    return { id: node.id, type: node.type, position: { ...node.position }, data };
  });
  for (const note of doc.notes ?? []) {
    const canvasNote: NoteCanvasNode = { id: note.id, type: NOTE_TYPE, position: { ...note.position }, data: { text: note.text } };
    if (note.width && note.height) {
      canvasNote.width = note.width;
      canvasNote.height = note.height;
    }
    nodes.push(canvasNote);
  }
  const edges: CanvasEdge[] = doc.edges.map((edge) => ({
    id: edge.id,
    source: edge.source,
    sourceHandle: edge.sourceHandle,
    target: edge.target,
    targetHandle: edge.targetHandle,
  }));
  return { nodes, edges };
}

/**
 * The flow document for what is on the canvas: what autosave sends, export writes and
 * validation checks. Canvas-only state (selection, measured sizes, run status) is left out.
 * @example const doc = toDocument(store.getState().nodes, store.getState().edges);
 */
export function toDocument(nodes: readonly CanvasNode[], edges: readonly CanvasEdge[]): FlowDocument {
  const doc: FlowDocument = { schemaVersion: CURRENT_SCHEMA_VERSION, nodes: [], edges: [] };
  const notes: FlowNote[] = [];
  for (const node of nodes) {
    const position = { x: round(node.position.x), y: round(node.position.y) };
    if (isNote(node)) {
      const note: FlowNote = { id: node.id, position, text: node.data.text };
      if (node.width && node.height) {
        note.width = round(node.width);
        note.height = round(node.height);
      }
      notes.push(note);
      continue;
    }
    const out: FlowDocument["nodes"][number] = { id: node.id, type: node.type ?? "", position, data: { ...node.data.config } };
    if (node.data.label) out.label = node.data.label;
    doc.nodes.push(out);
  }
  doc.edges = edges.map((edge) => ({
    id: edge.id,
    source: edge.source,
    sourceHandle: edge.sourceHandle ?? "",
    target: edge.target,
    targetHandle: edge.targetHandle ?? "",
  }));
  if (notes.length) doc.notes = notes;
  return doc;
}

/** Positions are kept to a tenth of a pixel: sub-pixel noise from dragging is not a change. */
function round(value: number): number {
  return Math.round(value * 10) / 10;
}
