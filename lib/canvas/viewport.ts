import { isNote, type CanvasNode } from "./types";

/**
 * How far fit-to-view may zoom out. Below 0.75 a node's port names (12 px) are smaller than
 * 9 px on screen: for a flow of a dozen nodes or fewer, fit-to-view stops there and centres the
 * flow (a few nodes may sit past the edge, a pan away) rather than shrink everything out of
 * reading range. Larger flows are fitted whole — their overview is the point.
 */
export const LEGIBLE_ZOOM = 0.75;
export const SMALL_FLOW_NODES = 12;

/**
 * Options for React Flow's `fitView` given the flow's node count (sticky notes excluded).
 * @example flow.fitView(fitViewOptions(nodes.length, { duration: 300 }))
 */
export function fitViewOptions<T extends object>(nodeCount: number, extra?: T): { padding: number; maxZoom: number; minZoom?: number } & T {
  return { padding: 0.15, maxZoom: 1.1, ...(nodeCount <= SMALL_FLOW_NODES ? { minZoom: LEGIBLE_ZOOM } : {}), ...(extra as T) };
}

/**
 * The zoom the simplified drawing's titles are set for, in steps of 0.05 so the canvas re-renders
 * a handful of times while zooming, not on every frame; 1 above the simplified range.
 * @example compactZoomStep(0.33) // 0.35
 */
export function compactZoomStep(zoom: number, compactBelow: number): number {
  return zoom < compactBelow ? Math.max(0.05, Math.round(zoom * 20) / 20) : 1;
}

/** Nodes that count for legibility: flow nodes, not sticky notes. */
export function flowNodeCount(nodes: readonly CanvasNode[]): number {
  return nodes.filter((n) => !isNote(n)).length;
}
