/**
 * Keeps the canvas's drawn edges off the nodes they do not connect. The layout engine routes
 * edges its own way, but React Flow draws each as a bezier from the source handle to the target
 * handle (curvature 0.25); an edge that skips a column can then cut through a node placed in
 * that column. `clearEdges` moves such nodes down (with what is below them in their column)
 * until no drawn edge passes under a node.
 */

export type Box = { x: number; y: number; width: number; height: number };
export type Point = { x: number; y: number };
/** An edge as drawn: from a source handle (right side) to a target handle (left side). */
export interface DrawnEdge {
  source: string;
  target: string;
  /** Handle offsets inside their nodes. */
  from: Point;
  to: Point;
}

const GAP = 24;
const SAMPLES = 48;
const MAX_ROUNDS = 40;

/** Points along React Flow's bezier (Right → Left handles, curvature 0.25). */
export function bezierPoints(s: Point, t: Point, samples = SAMPLES): Point[] {
  const offset = t.x >= s.x ? 0.5 * (t.x - s.x) : 0.25 * 25 * Math.sqrt(s.x - t.x);
  const c1 = { x: s.x + offset, y: s.y };
  const c2 = { x: t.x - offset, y: t.y };
  const out: Point[] = [];
  for (let i = 0; i <= samples; i++) {
    const u = i / samples;
    const a = (1 - u) ** 3, b = 3 * (1 - u) ** 2 * u, c = 3 * (1 - u) * u ** 2, d = u ** 3;
    out.push({ x: a * s.x + b * c1.x + c * c2.x + d * t.x, y: a * s.y + b * c1.y + c * c2.y + d * t.y });
  }
  return out;
}

const inside = (p: Point, box: Box, margin: number) => p.x > box.x - margin && p.x < box.x + box.width + margin && p.y > box.y - margin && p.y < box.y + box.height + margin;

/**
 * The first node a drawn edge passes under (other than its own two), with the lowest point of
 * the edge inside it; null when every edge is clear.
 */
export function firstCollision(boxes: ReadonlyMap<string, Box>, edges: readonly DrawnEdge[], margin = 4): { nodeId: string; edgeBottom: number } | null {
  for (const edge of edges) {
    const from = boxes.get(edge.source);
    const to = boxes.get(edge.target);
    if (!from || !to) continue;
    const points = bezierPoints({ x: from.x + edge.from.x, y: from.y + edge.from.y }, { x: to.x + edge.to.x, y: to.y + edge.to.y });
    for (const [id, box] of boxes) {
      if (id === edge.source || id === edge.target) continue;
      const hits = points.filter((p) => inside(p, box, margin));
      if (hits.length) return { nodeId: id, edgeBottom: Math.max(...points.filter((p) => p.x > box.x - margin && p.x < box.x + box.width + margin).map((p) => p.y)) };
    }
  }
  return null;
}

/**
 * New top-left positions with every drawn edge clear of the nodes it does not connect: a node an
 * edge passes under moves below the edge, and the nodes under it in its column move with it.
 * @example clearEdges(boxes, drawnEdges) // Map { "prompt" => { x: 330, y: 180 }, … }
 */
export function clearEdges(input: ReadonlyMap<string, Box>, edges: readonly DrawnEdge[]): Map<string, Box> {
  const boxes = new Map([...input].map(([id, box]) => [id, { ...box }]));
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const hit = firstCollision(boxes, edges);
    if (!hit) break;
    const node = boxes.get(hit.nodeId)!;
    const shift = hit.edgeBottom + GAP - node.y;
    for (const box of boxes.values()) {
      const sameColumn = box.x < node.x + node.width && node.x < box.x + box.width;
      if (sameColumn && box.y >= node.y) box.y += shift;
    }
  }
  return boxes;
}
