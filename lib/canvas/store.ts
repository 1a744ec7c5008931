import { applyEdgeChanges, applyNodeChanges, type Connection, type EdgeChange, type NodeChange } from "@xyflow/react";
import { createStore, type StoreApi } from "zustand/vanilla";
import type { FlowDocument } from "@/lib/flow/schema";
import type { FlowProblem } from "@/lib/flow/validate";
import type { RunEvent } from "@/lib/flow/run-record";
import { getNodeDef } from "@/nodes";
import { copyOf, pasted } from "./clipboard";
import { checkConnection, type RefusalReason } from "./connect";
import { toCanvas } from "./convert";
import { freshId } from "./ids";
import { initialConfig } from "./schema-form";
import { applyTraceEvent, type TraceStep } from "./trace";
import { NOTE_TYPE, type CanvasEdge, type CanvasNode, type FlowCanvasNode, type GraphSnapshot } from "./types";

const HISTORY_LIMIT = 200;
/** Edits of one field within this window are one undo step (typing a prompt is not 40 steps). */
const COALESCE_MS = 1000;

export interface CanvasState {
  nodes: CanvasNode[];
  edges: CanvasEdge[];
  past: GraphSnapshot[];
  future: GraphSnapshot[];
  clipboard: GraphSnapshot | null;
  /** Bumps on every change to the flow itself (not on selection or measuring): autosave and validation watch it. */
  changeCount: number;
  problems: FlowProblem[];
  /** Problems per node id, for the badges. */
  problemsByNode: Record<string, FlowProblem[]>;
  /** The last run's steps, in order. */
  trace: TraceStep[];
  /** A node the person asked to find (trace click, checklist click). */
  highlighted: string | null;
  /** The latest refused connection, shown as a toast. */
  notice: { reason: RefusalReason; at: number } | null;
  dragOrigin: GraphSnapshot | null;
  lastEdit: { tag: string; at: number } | null;

  onNodesChange(changes: NodeChange<CanvasNode>[]): void;
  onEdgesChange(changes: EdgeChange<CanvasEdge>[]): void;
  /** Adds an edge when `checkConnection` allows it; otherwise records why not in `notice`. */
  onConnect(connection: Connection): boolean;
  refuse(reason: RefusalReason): void;
  /** The new node's id ("" on a read-only canvas, which adds nothing). */
  addNode(type: string, position: { x: number; y: number }): string;
  addNote(position: { x: number; y: number }, text?: string): string;
  updateNodeConfig(id: string, patch: Record<string, unknown>): void;
  renameNode(id: string, label: string): void;
  updateNote(id: string, text: string): void;
  deleteSelection(): void;
  deleteElements(nodeIds: string[], edgeIds: string[]): void;
  copySelection(): number;
  paste(offset?: { x: number; y: number }): void;
  duplicateSelection(): void;
  setPositions(positions: Record<string, { x: number; y: number }>): void;
  beginDrag(): void;
  endDrag(): void;
  undo(): void;
  redo(): void;
  /** Replaces the graph (import) as one undoable step. */
  replaceDocument(doc: FlowDocument): void;
  /** Starts over from a stored document, with no history (page load, reload after a conflict). */
  reset(doc: FlowDocument): void;
  selectNode(id: string | null): void;
  setProblems(problems: FlowProblem[]): void;
  clearTrace(): void;
  applyRunEvent(ev: RunEvent): void;
}

export type CanvasStore = StoreApi<CanvasState>;

export interface CanvasStoreOptions {
  /**
   * A viewer's canvas: every action that would change the flow does nothing, so `changeCount`
   * never moves and autosave has nothing to send. Selecting, measuring, copying, problems and
   * run traces still work.
   */
  readOnly?: boolean;
}

/** React Flow changes a read-only canvas still takes: what is selected, and measured sizes. */
const VIEW_NODE_CHANGES = new Set<NodeChange["type"]>(["select", "dimensions"]);

function snapshot(state: Pick<CanvasState, "nodes" | "edges">): GraphSnapshot {
  return { nodes: state.nodes, edges: state.edges };
}

/**
 * The one store behind the studio canvas (STYLE.md §8): React Flow's nodes and edges, typed
 * actions for every edit, and an undo history of whole-graph snapshots (cheap: updates are
 * immutable, so a snapshot shares everything that did not change). One store per open flow.
 * @example
 * const store = createCanvasStore(flow.graph);
 * store.getState().addNode("llm", { x: 0, y: 0 });
 * store.getState().undo();
 * createCanvasStore(flow.graph, { readOnly: true }).getState().addNode("llm", { x: 0, y: 0 }); // "" (nothing added)
 */
export function createCanvasStore(doc: FlowDocument, options: CanvasStoreOptions = {}): CanvasStore {
  const locked = options.readOnly === true;
  return createStore<CanvasState>()((set, get) => {
    /** Records the graph before a change, unless this edit continues the previous one (`tag`). */
    const record = (tag?: string) => {
      const { lastEdit, past } = get();
      const now = Date.now();
      const continues = tag !== undefined && lastEdit?.tag === tag && now - lastEdit.at < COALESCE_MS;
      set({ lastEdit: tag ? { tag, at: now } : null });
      if (continues) return;
      set({ past: [...past, snapshot(get())].slice(-HISTORY_LIMIT), future: [] });
    };
    const change = (patch: Partial<CanvasState>, tag?: string) => {
      if (locked) return;
      record(tag);
      set({ ...patch, changeCount: get().changeCount + 1 });
    };
    const takenIds = () => new Set(get().nodes.map((n) => n.id));
    const mapNode = (id: string, fn: (node: CanvasNode) => CanvasNode) => get().nodes.map((n) => (n.id === id ? fn(n) : n));

    return {
      ...toCanvas(doc),
      past: [],
      future: [],
      clipboard: null,
      changeCount: 0,
      problems: [],
      problemsByNode: {},
      trace: [],
      highlighted: null,
      notice: null,
      dragOrigin: null,
      lastEdit: null,

      onNodesChange(changes) {
        if (locked) changes = changes.filter((c) => VIEW_NODE_CHANGES.has(c.type));
        const removals = changes.filter((c) => c.type === "remove").map((c) => c.id);
        const rest = changes.filter((c) => c.type !== "remove");
        if (removals.length) get().deleteElements(removals, []);
        if (!rest.length) return;
        const moved = rest.some((c) => c.type === "position" && !c.dragging && c.position);
        if (moved && !get().dragOrigin) record();
        set({ nodes: applyNodeChanges(rest, get().nodes), ...(moved ? { changeCount: get().changeCount + 1 } : {}) });
      },
      onEdgesChange(changes) {
        if (locked) changes = changes.filter((c) => c.type === "select");
        const removals = changes.filter((c) => c.type === "remove").map((c) => c.id);
        const rest = changes.filter((c) => c.type !== "remove");
        if (removals.length) get().deleteElements([], removals);
        if (rest.length) set({ edges: applyEdgeChanges(rest, get().edges) });
      },
      onConnect(connection) {
        if (locked) return false;
        const { nodes, edges } = get();
        const check = checkConnection(nodes, edges, connection);
        if (!check.ok) {
          get().refuse(check.reason);
          return false;
        }
        const exists = edges.some((e) => e.source === connection.source && e.target === connection.target && e.sourceHandle === connection.sourceHandle && e.targetHandle === connection.targetHandle);
        if (exists) return true;
        const id = freshId("e", new Set(edges.map((e) => e.id)));
        const edge: CanvasEdge = { id, source: connection.source, sourceHandle: connection.sourceHandle, target: connection.target, targetHandle: connection.targetHandle };
        change({ edges: [...edges, edge] });
        return true;
      },
      refuse(reason) {
        set({ notice: { reason, at: Date.now() } });
      },
      addNode(type, position) {
        if (locked) return "";
        const def = getNodeDef(type);
        if (!def) throw new Error(`unknown node type ${type}`);
        const id = freshId(type, takenIds());
        const node: FlowCanvasNode = { id, type, position, data: { config: initialConfig(def.config) }, selected: true };
        change({ nodes: [...get().nodes.map((n) => (n.selected ? { ...n, selected: false } : n)), node] });
        return id;
      },
      addNote(position, text = "") {
        if (locked) return "";
        const id = freshId("note", takenIds());
        const note: CanvasNode = { id, type: NOTE_TYPE, position, data: { text }, width: 220, height: 140 };
        change({ nodes: [...get().nodes, note] });
        return id;
      },
      updateNodeConfig(id, patch) {
        const fields = Object.keys(patch).sort().join(",");
        const nodes = mapNode(id, (n) => (n.type === NOTE_TYPE ? n : ({ ...n, data: { ...n.data, config: { ...(n as FlowCanvasNode).data.config, ...patch } } } as CanvasNode)));
        change({ nodes }, `config:${id}:${fields}`);
      },
      renameNode(id, label) {
        const nodes = mapNode(id, (n) => {
          if (n.type === NOTE_TYPE) return n;
          const data = { ...(n as FlowCanvasNode).data };
          if (label.trim()) data.label = label;
          else delete data.label;
          return { ...n, data } as CanvasNode;
        });
        change({ nodes }, `label:${id}`);
      },
      updateNote(id, text) {
        change({ nodes: mapNode(id, (n) => (n.type === NOTE_TYPE ? ({ ...n, data: { text } } as CanvasNode) : n)) }, `note:${id}`);
      },
      deleteSelection() {
        const { nodes, edges } = get();
        get().deleteElements(nodes.filter((n) => n.selected).map((n) => n.id), edges.filter((e) => e.selected).map((e) => e.id));
      },
      deleteElements(nodeIds, edgeIds) {
        const gone = new Set(nodeIds);
        const goneEdges = new Set(edgeIds);
        const { nodes, edges } = get();
        const keptEdges = edges.filter((e) => !goneEdges.has(e.id) && !gone.has(e.source) && !gone.has(e.target));
        if (!gone.size && keptEdges.length === edges.length) return;
        change({ nodes: nodes.filter((n) => !gone.has(n.id)), edges: keptEdges, highlighted: gone.has(get().highlighted ?? "") ? null : get().highlighted });
      },
      copySelection() {
        const clip = copyOf(get().nodes, get().edges);
        if (clip.nodes.length) set({ clipboard: clip });
        return clip.nodes.length;
      },
      paste(offset = { x: 40, y: 40 }) {
        const { clipboard, nodes, edges } = get();
        if (locked || !clipboard?.nodes.length) return;
        const copy = pasted(clipboard, takenIds(), new Set(edges.map((e) => e.id)), offset);
        change({ nodes: [...nodes.map((n) => (n.selected ? { ...n, selected: false } : n)), ...copy.nodes], edges: [...edges.map((e) => (e.selected ? { ...e, selected: false } : e)), ...copy.edges] });
        // A second paste lands further along instead of exactly on top of the first.
        set({ clipboard: { nodes: copy.nodes, edges: copy.edges } });
      },
      duplicateSelection() {
        const previous = get().clipboard;
        if (!get().copySelection()) return;
        get().paste();
        set({ clipboard: previous });
      },
      setPositions(positions) {
        const nodes = get().nodes.map((n) => (positions[n.id] ? { ...n, position: positions[n.id] } : n));
        change({ nodes });
      },
      beginDrag() {
        if (!locked && !get().dragOrigin) set({ dragOrigin: snapshot(get()) });
      },
      endDrag() {
        const origin = get().dragOrigin;
        if (!origin) return;
        set({ dragOrigin: null });
        const moved = get().nodes.some((n) => {
          const before = origin.nodes.find((o) => o.id === n.id);
          return before && (before.position.x !== n.position.x || before.position.y !== n.position.y);
        });
        if (!moved) return;
        set({ past: [...get().past, origin].slice(-HISTORY_LIMIT), future: [], lastEdit: null, changeCount: get().changeCount + 1 });
      },
      undo() {
        const { past, future } = get();
        if (locked || !past.length) return;
        const previous = past[past.length - 1];
        set({ ...previous, past: past.slice(0, -1), future: [snapshot(get()), ...future], lastEdit: null, changeCount: get().changeCount + 1 });
      },
      redo() {
        const { past, future } = get();
        if (locked || !future.length) return;
        const [next, ...rest] = future;
        set({ ...next, past: [...past, snapshot(get())], future: rest, lastEdit: null, changeCount: get().changeCount + 1 });
      },
      replaceDocument(next) {
        change({ ...toCanvas(next), highlighted: null });
      },
      reset(next) {
        set({ ...toCanvas(next), past: [], future: [], lastEdit: null, highlighted: null, dragOrigin: null, changeCount: get().changeCount + 1 });
      },
      selectNode(id) {
        set({
          nodes: get().nodes.map((n) => (n.id === id ? (n.selected ? n : { ...n, selected: true }) : n.selected ? { ...n, selected: false } : n)),
          edges: get().edges.map((e) => (e.selected ? { ...e, selected: false } : e)),
          highlighted: id,
        });
      },
      setProblems(problems) {
        const problemsByNode: Record<string, FlowProblem[]> = {};
        for (const problem of problems) {
          for (const nodeId of new Set([...(problem.nodeId ? [problem.nodeId] : []), ...(problem.nodeIds ?? [])])) {
            (problemsByNode[nodeId] ??= []).push(problem);
          }
        }
        set({ problems, problemsByNode });
      },
      clearTrace() {
        set({ trace: [] });
      },
      applyRunEvent(ev) {
        if (ev.type === "run-started") set({ trace: [] });
        else set({ trace: applyTraceEvent(get().trace, ev) });
      },
    };
  });
}
