"use client";

import { createContext, useEffect, useState } from "react";
import { getBezierPath, Position, useStoreApi, ViewportPortal, type InternalNode, type ReactFlowState } from "@xyflow/react";
import type { CanvasEdge, CanvasNode } from "@/lib/canvas/types";

/** Below this zoom port names are unreadable: nodes draw a title bar and bare handles, edges are drawn by `LiteEdges`. */
export const COMPACT_BELOW_ZOOM = 0.5;
export const zoomedOut = (s: ReactFlowState) => s.transform[2] < COMPACT_BELOW_ZOOM;
/**
 * Whether the canvas is zoomed out past `COMPACT_BELOW_ZOOM`. One subscription in the canvas
 * feeds every node through this context: a zoom selector in each of 300 nodes ran 300 times on
 * every drag frame.
 */
export const CompactContext = createContext(false);

const SVG = "http://www.w3.org/2000/svg";
type Point = { x: number; y: number; position: Position };

/** Where an edge meets its node: the measured handle, or the middle of the node's side before it is measured. */
function endpoint(node: InternalNode<CanvasNode>, handleId: string | null | undefined, kind: "source" | "target"): Point | null {
  const { x, y } = node.internals.positionAbsolute;
  const handle = node.internals.handleBounds?.[kind]?.find((h) => (handleId ? h.id === handleId : true));
  if (handle) {
    switch (handle.position) {
      case Position.Left:
        return { x: x + handle.x, y: y + handle.y + handle.height / 2, position: Position.Left };
      case Position.Right:
        return { x: x + handle.x + handle.width, y: y + handle.y + handle.height / 2, position: Position.Right };
      case Position.Top:
        return { x: x + handle.x + handle.width / 2, y: y + handle.y, position: Position.Top };
      default:
        return { x: x + handle.x + handle.width / 2, y: y + handle.y + handle.height, position: Position.Bottom };
    }
  }
  const { width, height } = node.measured;
  if (!width || !height) return null;
  return kind === "source" ? { x: x + width, y: y + height / 2, position: Position.Right } : { x, y: y + height / 2, position: Position.Left };
}

/**
 * Every edge of the flow as one `<path>` each inside a single SVG, for the zoomed-out canvas. React
 * Flow draws each edge as its own `<svg>` with a group, a path and a wide invisible hit path, and
 * re-checks all of them on every store update: with 400 edges that was 1 600 elements, 400 paint
 * layers' worth of compositing work and 800 store subscriptions per drag frame. Here one store
 * subscription redraws only the edges whose end nodes changed, without React, and the paths take
 * no pointer events (an edge is selected zoomed in; a box selection still takes the edges
 * between the nodes it selects along when they are deleted or copied).
 * The same bezier curves and colours as React Flow's default edges, so crossing the zoom
 * threshold does not change the picture.
 */
export function LiteEdges({ edges }: { edges: readonly CanvasEdge[] }) {
  const flow = useStoreApi<CanvasNode, CanvasEdge>();
  // A state, not a ref: the portal's target may appear a render later, and the effect must follow.
  const [g, setGroup] = useState<SVGGElement | null>(null);
  useEffect(() => {
    if (!g) return;
    const drawn = edges.map((edge) => {
      const path = document.createElementNS(SVG, "path");
      path.setAttribute("class", edge.selected ? "lite-edge selected" : "lite-edge");
      return { edge, path, source: undefined as InternalNode<CanvasNode> | undefined, target: undefined as InternalNode<CanvasNode> | undefined };
    });
    g.replaceChildren(...drawn.map((d) => d.path));
    g.setAttribute("data-edges", String(drawn.length));
    const draw = ({ nodeLookup }: ReactFlowState<CanvasNode, CanvasEdge>) => {
      for (const item of drawn) {
        const source = nodeLookup.get(item.edge.source);
        const target = nodeLookup.get(item.edge.target);
        // Internal nodes are replaced, never mutated, when they move or are measured.
        if (source === item.source && target === item.target) continue;
        item.source = source;
        item.target = target;
        const from = source && endpoint(source, item.edge.sourceHandle, "source");
        const to = target && endpoint(target, item.edge.targetHandle, "target");
        if (!from || !to) {
          item.path.removeAttribute("d");
          continue;
        }
        const [d] = getBezierPath({ sourceX: from.x, sourceY: from.y, sourcePosition: from.position, targetX: to.x, targetY: to.y, targetPosition: to.position });
        item.path.setAttribute("d", d);
      }
    };
    draw(flow.getState());
    return flow.subscribe(draw);
  }, [edges, flow, g]);
  return (
    <ViewportPortal>
      <svg className="lite-edges" aria-hidden="true" data-testid="lite-edges">
        <g ref={setGroup} />
      </svg>
    </ViewportPortal>
  );
}
