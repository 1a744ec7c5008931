"use client";

import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useLocale, useTranslations } from "next-intl";
import { Background, Controls, MiniMap, ReactFlow, SelectionMode, useNodesInitialized, useReactFlow, useStore, useStoreApi, type Connection, type Edge, type OnConnectEnd } from "@xyflow/react";
import { useShallow } from "zustand/react/shallow";
import { getNodeDef } from "@/nodes";
import { checkConnection, fittingConnection } from "@/lib/canvas/connect";
import { NOTE_TYPE, isNote, type CanvasEdge, type CanvasNode } from "@/lib/canvas/types";
import { compactZoomStep, fitViewOptions, flowNodeCount } from "@/lib/canvas/viewport";
import { COMPACT_BELOW_ZOOM, CompactContext, LiteEdges, zoomedOut } from "./lite-edges";
import { useFlowAriaLabels } from "./aria-labels";
import { canvasNodeTypes } from "./node-types";
import { PALETTE_MIME } from "./palette";
import { useCanvas, useCanvasAbilities, useCanvasStore } from "./store-context";
import { useShortcuts } from "./use-shortcuts";

const SNAP: [number, number] = [16, 16];
const PRO = { hideAttribution: true };
const MULTI_SELECT_KEYS = ["Meta", "Control"];
/** Above this many nodes only what is on screen is rendered. */
const VISIBLE_ONLY_OVER = 120;
/**
 * Above this many nodes the MiniMap is left out: it redraws every node on each drag frame, and
 * a flow this big is navigated with fit-view and zoom anyway.
 */
const MINIMAP_MAX_NODES = 150;
/** What React Flow is given as edges while `LiteEdges` draws them (zoomed out). */
const NO_EDGES: CanvasEdge[] = [];

/** The flow node under a pointer event, by React Flow's `data-id` on the node wrapper. */
function nodeIdAt(event: MouseEvent | TouchEvent): string | null {
  const point = "changedTouches" in event ? event.changedTouches[0] : event;
  if (!point) return null;
  return document.elementFromPoint(point.clientX, point.clientY)?.closest(".react-flow__node")?.getAttribute("data-id") ?? null;
}

function miniMapColor(node: CanvasNode): string {
  return node.type === NOTE_TYPE ? "#fde68a" : "#c7d2fe";
}

/**
 * The React Flow canvas wired to the canvas store: connections checked with `checkConnection`
 * (a refused one says why), drops from the palette, drags recorded once for undo, and the
 * keyboard shortcuts. Deleting goes through the store so it is one undo step. Zoomed out (below
 * 50 %) React Flow is given no edges: `LiteEdges` draws them all in one SVG, nodes are title bars
 * (`CompactContext`), and a connection dropped on a node goes to its first port that fits.
 * For a viewer (`useCanvasAbilities`) nodes neither drag nor connect, drops are ignored and the
 * keyboard only copies: they pan, zoom and select to read a node's settings.
 */
export function FlowCanvas({ onNodeOpened }: { onNodeOpened?: (id: string) => void }) {
  const store = useCanvasStore();
  // Every prop handed to React Flow stays the same object between renders: this component
  // re-renders on each drag frame (it owns `nodes`), and a new callback would make React Flow
  // re-render all 300 node wrappers instead of the one being dragged.
  const opened = useRef(onNodeOpened);
  useEffect(() => {
    opened.current = onNodeOpened;
  }, [onNodeOpened]);
  const { nodes, edges, onNodesChange, onEdgesChange, onConnect } = useCanvas(
    useShallow((s) => ({ nodes: s.nodes, edges: s.edges, onNodesChange: s.onNodesChange, onEdgesChange: s.onEdgesChange, onConnect: s.onConnect })),
  );
  const flow = useReactFlow();
  const flowStore = useStoreApi();
  const abilities = useCanvasAbilities();
  useShortcuts(abilities);
  const [fitted, setFitted] = useState(false);
  const onFitted = useCallback(() => setFitted(true), []);
  const compact = useStore(zoomedOut);
  const ariaLabels = useFlowAriaLabels();
  const named = useNamedEdges(edges);
  const zoomStep = useStore((s) => compactZoomStep(s.transform[2], COMPACT_BELOW_ZOOM));

  const isValidConnection = useCallback(
    (connection: Connection | Edge) => {
      const { nodes: current, edges: currentEdges } = store.getState();
      return checkConnection(current, currentEdges, connection).ok;
    },
    [store],
  );

  const onConnectEnd: OnConnectEnd = useCallback(
    (event, state) => {
      if (state.isValid === true || !state.fromHandle) return;
      const { nodes: current, edges: currentEdges, refuse, onConnect: connect } = store.getState();
      const fromHandle = state.fromHandle;
      // Zoomed out a node's handles overlap: a connection dropped anywhere on a node goes to the
      // first pair of ports that fits, and only if none does is it refused, with the reason.
      const onNode = zoomedOut(flowStore.getState()) ? (state.toHandle?.nodeId ?? nodeIdAt(event)) : null;
      if (onNode && onNode !== fromHandle.nodeId) {
        const fit = fittingConnection(current, currentEdges, { nodeId: fromHandle.nodeId, port: fromHandle.id ?? null, type: fromHandle.type }, onNode, state.toHandle?.id);
        if (fit.ok) connect(fit.connection);
        else refuse(fit.reason);
        return;
      }
      if (state.isValid !== false || !state.toHandle) return;
      const [from, to] = fromHandle.type === "source" ? [fromHandle, state.toHandle] : [state.toHandle, fromHandle];
      if (from.type === to.type) return;
      const check = checkConnection(current, currentEdges, { source: from.nodeId, sourceHandle: from.id ?? null, target: to.nodeId, targetHandle: to.id ?? null });
      if (!check.ok) refuse(check.reason);
    },
    [store, flowStore],
  );

  const onDrop = useCallback(
    (event: React.DragEvent) => {
      const type = event.dataTransfer.getData(PALETTE_MIME);
      if (!type || !abilities.addNode) return;
      event.preventDefault();
      const position = flow.screenToFlowPosition({ x: event.clientX, y: event.clientY });
      const state = store.getState();
      if (type === NOTE_TYPE) state.addNote(position);
      else state.addNode(type, position);
    },
    [abilities, flow, store],
  );

  const onDragOver = useCallback((event: React.DragEvent) => {
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
  }, []);
  const beginDrag = useCallback(() => store.getState().beginDrag(), [store]);
  const endDrag = useCallback(() => store.getState().endDrag(), [store]);
  const onNodeClick = useCallback((_event: React.MouseEvent, node: CanvasNode) => opened.current?.(node.id), []);
  const onPaneClick = useCallback(() => store.setState({ highlighted: null }), [store]);
  const big = nodes.length > VISIBLE_ONLY_OVER;
  const showMiniMap = nodes.length <= MINIMAP_MAX_NODES;

  return (
    // --zoom sizes the simplified drawing's titles so they stay readable on screen (globals.css).
    <div className="canvas-wrap" data-testid="canvas" onDragOver={onDragOver} onDrop={onDrop} style={{ "--zoom": zoomStep } as React.CSSProperties}>
      <CompactContext value={compact}>
        <ReactFlow<CanvasNode, CanvasEdge>
          nodes={nodes}
          edges={compact ? NO_EDGES : named}
          nodeTypes={canvasNodeTypes}
          onNodesChange={onNodesChange}
          onEdgesChange={onEdgesChange}
          onConnect={onConnect}
          isValidConnection={isValidConnection}
          onConnectEnd={onConnectEnd}
          onNodeDragStart={beginDrag}
          onNodeDragStop={endDrag}
          onSelectionDragStart={beginDrag}
          onSelectionDragStop={endDrag}
          onNodeClick={onNodeClick}
          onPaneClick={onPaneClick}
          nodesDraggable={abilities.move}
          nodesConnectable={abilities.connect}
          edgesReconnectable={abilities.connect}
          deleteKeyCode={null}
          selectionKeyCode="Shift"
          multiSelectionKeyCode={MULTI_SELECT_KEYS}
          selectionMode={SelectionMode.Partial}
          snapToGrid
          snapGrid={SNAP}
          minZoom={0.05}
          onlyRenderVisibleElements={big}
          proOptions={PRO}
          ariaLabelConfig={ariaLabels}
        >
          <Background gap={16} size={1} />
          {showMiniMap ? <MiniMap pannable zoomable nodeColor={miniMapColor} /> : null}
          {/* The lock button would switch dragging and connecting back on inside React Flow. */}
          <Controls showInteractive={abilities.move} />
          {compact ? <LiteEdges edges={edges} /> : null}
          {fitted ? null : <FitOnce onFitted={onFitted} />}
        </ReactFlow>
      </CompactContext>
    </div>
  );
}

/**
 * The edges with a screen-reader label naming their ends as the canvas shows them ("从“知识检索”到
 * “大模型”的连线"), instead of React Flow's "Edge from retriever to llm". Recomputed only when the
 * edges or a node's name change — never on a drag frame.
 */
function useNamedEdges(edges: CanvasEdge[]): CanvasEdge[] {
  const t = useTranslations("roughEdges.flowAria");
  const locale = useLocale() === "zh" ? "zh" : "en";
  const names = useCanvas((s) => s.nodes.map((n) => `${n.id}\u0000${isNote(n) ? "" : n.data.label || getNodeDef(n.type ?? "")?.ui.label[locale] || n.type}`).join("\u0001"));
  return useMemo(() => {
    const byId = new Map(names.split("\u0001").map((pair) => pair.split("\u0000") as [string, string]));
    return edges.map((e) => ({ ...e, ariaLabel: t("edgeLabel", { from: byId.get(e.source) ?? e.source, to: byId.get(e.target) ?? e.target }) }));
  }, [edges, names, t]);
}

/**
 * Fits the view once every node has its measured size (fitting on mount would use guessed
 * sizes), then goes away: `useNodesInitialized` walks every node on each store update, and a
 * drag is hundreds of those.
 */
function FitOnce({ onFitted }: { onFitted: () => void }) {
  const flow = useReactFlow();
  const initialized = useNodesInitialized();
  const done = useRef(false);
  useEffect(() => {
    if (!initialized || done.current) return;
    done.current = true;
    requestAnimationFrame(() => {
      void flow.fitView(fitViewOptions(flowNodeCount(flow.getNodes() as CanvasNode[])));
      onFitted();
    });
  }, [initialized, flow, onFitted]);
  return null;
}
