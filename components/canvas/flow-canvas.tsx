"use client";

import { useCallback, useEffect, useRef } from "react";
import { Background, Controls, MiniMap, ReactFlow, SelectionMode, useNodesInitialized, useReactFlow, type Connection, type Edge, type OnConnectEnd } from "@xyflow/react";
import { useShallow } from "zustand/react/shallow";
import { checkConnection } from "@/lib/canvas/connect";
import { NOTE_TYPE, type CanvasNode } from "@/lib/canvas/types";
import { canvasNodeTypes } from "./node-types";
import { PALETTE_MIME } from "./palette";
import { useCanvas, useCanvasStore } from "./store-context";
import { useShortcuts } from "./use-shortcuts";

const SNAP: [number, number] = [16, 16];
const PRO = { hideAttribution: true };
const FIT = { padding: 0.15, maxZoom: 1.1 };

function miniMapColor(node: CanvasNode): string {
  return node.type === NOTE_TYPE ? "#fde68a" : "#c7d2fe";
}

/**
 * The React Flow canvas wired to the canvas store: connections checked with `checkConnection`
 * (a refused one says why), drops from the palette, drags recorded once for undo, and the
 * keyboard shortcuts. Deleting goes through the store so it is one undo step.
 */
export function FlowCanvas({ onNodeOpened }: { onNodeOpened?: (id: string) => void }) {
  const store = useCanvasStore();
  const { nodes, edges, onNodesChange, onEdgesChange, onConnect } = useCanvas(
    useShallow((s) => ({ nodes: s.nodes, edges: s.edges, onNodesChange: s.onNodesChange, onEdgesChange: s.onEdgesChange, onConnect: s.onConnect })),
  );
  const flow = useReactFlow();
  useShortcuts();
  // Fit once every node has its measured size; fitting on mount would use guessed sizes.
  const initialized = useNodesInitialized();
  const fitted = useRef(false);
  useEffect(() => {
    if (!initialized || fitted.current) return;
    fitted.current = true;
    requestAnimationFrame(() => void flow.fitView(FIT));
  }, [initialized, flow]);

  const isValidConnection = useCallback(
    (connection: Connection | Edge) => {
      const { nodes: current, edges: currentEdges } = store.getState();
      return checkConnection(current, currentEdges, connection).ok;
    },
    [store],
  );

  const onConnectEnd: OnConnectEnd = useCallback(
    (_event, state) => {
      if (state.isValid !== false || !state.fromHandle || !state.toHandle) return;
      const [from, to] = state.fromHandle.type === "source" ? [state.fromHandle, state.toHandle] : [state.toHandle, state.fromHandle];
      if (from.type === to.type) return;
      const { nodes: current, edges: currentEdges, refuse } = store.getState();
      const check = checkConnection(current, currentEdges, { source: from.nodeId, sourceHandle: from.id ?? null, target: to.nodeId, targetHandle: to.id ?? null });
      if (!check.ok) refuse(check.reason);
    },
    [store],
  );

  const onDrop = useCallback(
    (event: React.DragEvent) => {
      const type = event.dataTransfer.getData(PALETTE_MIME);
      if (!type) return;
      event.preventDefault();
      const position = flow.screenToFlowPosition({ x: event.clientX, y: event.clientY });
      const state = store.getState();
      if (type === NOTE_TYPE) state.addNote(position);
      else state.addNode(type, position);
    },
    [flow, store],
  );

  return (
    <div className="canvas-wrap" data-testid="canvas" onDragOver={(e) => (e.preventDefault(), (e.dataTransfer.dropEffect = "move"))} onDrop={onDrop}>
      <ReactFlow<CanvasNode>
        nodes={nodes}
        edges={edges}
        nodeTypes={canvasNodeTypes}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onConnect={onConnect}
        isValidConnection={isValidConnection}
        onConnectEnd={onConnectEnd}
        onNodeDragStart={() => store.getState().beginDrag()}
        onNodeDragStop={() => store.getState().endDrag()}
        onSelectionDragStart={() => store.getState().beginDrag()}
        onSelectionDragStop={() => store.getState().endDrag()}
        onNodeClick={(_e, node) => onNodeOpened?.(node.id)}
        onPaneClick={() => store.setState({ highlighted: null })}
        deleteKeyCode={null}
        selectionKeyCode="Shift"
        multiSelectionKeyCode={["Meta", "Control"]}
        selectionMode={SelectionMode.Partial}
        snapToGrid
        snapGrid={SNAP}
        minZoom={0.05}
        onlyRenderVisibleElements={nodes.length > 120}
        proOptions={PRO}
      >
        <Background gap={16} size={1} />
        <MiniMap pannable zoomable nodeColor={miniMapColor} />
        <Controls />
      </ReactFlow>
    </div>
  );
}
