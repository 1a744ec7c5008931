import type { CanvasNode } from "./types";

type Point = { x: number; y: number };
type Size = { width: number; height: number };

const NEW_NODE: Size = { width: 240, height: 130 };
const GAP = 24;
const STEP = 32;
const RINGS = 40;

function sizeOf(node: CanvasNode): Size {
  return { width: node.measured?.width ?? node.width ?? NEW_NODE.width, height: node.measured?.height ?? node.height ?? NEW_NODE.height };
}

function overlaps(at: Point, size: Size, nodes: readonly CanvasNode[]): boolean {
  return nodes.some((node) => {
    const other = sizeOf(node);
    return (
      at.x < node.position.x + other.width + GAP &&
      node.position.x < at.x + size.width + GAP &&
      at.y < node.position.y + other.height + GAP &&
      node.position.y < at.y + size.height + GAP
    );
  });
}

/**
 * Where a node added by a click goes: the preferred point (the middle of the view) when nothing
 * is there, else the nearest free place on rings of growing size around it — right and below
 * first, so a flow growing left to right stays readable.
 * @example freeSpot(nodes, { x: 300, y: 100 }) // { x: 300, y: 100 } on an empty canvas
 */
export function freeSpot(nodes: readonly CanvasNode[], preferred: Point, size: Size = NEW_NODE): Point {
  if (!overlaps(preferred, size, nodes)) return preferred;
  for (let ring = 1; ring <= RINGS; ring++) {
    const candidates: Point[] = [];
    for (let i = -ring; i <= ring; i++) {
      candidates.push({ x: ring, y: i }, { x: i, y: ring }, { x: -ring, y: i }, { x: i, y: -ring });
    }
    candidates.sort((a, b) => Math.hypot(a.x, a.y) - Math.hypot(b.x, b.y) || b.x - a.x || b.y - a.y);
    for (const c of candidates) {
      const at = { x: preferred.x + c.x * STEP, y: preferred.y + c.y * STEP };
      if (!overlaps(at, size, nodes)) return at;
    }
  }
  return { x: preferred.x, y: Math.max(...nodes.map((n) => n.position.y + sizeOf(n).height)) + GAP };
}
