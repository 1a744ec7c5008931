import type { NodeRegistry } from "@/nodes/define";
import type { FlowDocument, FlowEdge, FlowNode } from "./schema";
import { isSecretEnvelope, secretPathsOf, secretsAsText, valueAt, withValueAt } from "./secrets";

/** One setting that differs, at its path in the node's settings ("branches.0.rules.0.value"). */
export interface SettingChange {
  path: string;
  /** Undefined when the setting did not exist before. */
  before: unknown;
  /** Undefined when the setting was removed. */
  after: unknown;
}

export interface NodeChange {
  id: string;
  /** The node in the older document. */
  before: FlowNode;
  /** The node in the newer document. */
  after: FlowNode;
  typeChanged: boolean;
  labelChanged: boolean;
  settings: SettingChange[];
}

export interface NodeMove {
  id: string;
  before: { x: number; y: number };
  after: { x: number; y: number };
}

export interface FlowDiff {
  nodes: { added: FlowNode[]; removed: FlowNode[]; changed: NodeChange[]; moved: NodeMove[] };
  edges: { added: FlowEdge[]; removed: FlowEdge[] };
  /** Added + removed + changed nodes and edges; moves do not count (they change no behaviour). */
  changeCount: number;
}

export interface DiffOptions {
  /** With a registry, settings are compared after their schema's defaults apply, so `{}` equals `{ topK: 4 }`. */
  registry?: NodeRegistry;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Deep difference of two JSON values as leaf paths; arrays compare by index. */
function diffValues(before: unknown, after: unknown, path: string[], out: SettingChange[]): void {
  if (Object.is(before, after)) return;
  // A secret is one value: it changed when it names another stored secret (its id), whatever its parts.
  if (isSecretEnvelope(before) || isSecretEnvelope(after)) {
    if (isSecretEnvelope(before) && isSecretEnvelope(after) && before.id !== undefined && before.id === after.id) return;
    out.push({ path: path.join("."), before, after });
    return;
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const length = Math.max(before.length, after.length);
    for (let i = 0; i < length; i++) diffValues(before[i], after[i], [...path, String(i)], out);
    return;
  }
  if (isPlainObject(before) && isPlainObject(after)) {
    const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
    for (const key of keys) diffValues(before[key], after[key], [...path, key], out);
    return;
  }
  out.push({ path: path.join("."), before, after });
}

function settingsOf(node: FlowNode, registry: NodeRegistry | undefined): unknown {
  const def = registry && Object.hasOwn(registry, node.type) ? registry[node.type] : undefined;
  if (!def) return node.data;
  const parsed = def.config.safeParse(secretsAsText(node.data));
  if (!parsed.success) return node.data;
  // Defaults applied, and each secret put back where its stand-in text went, to compare by id.
  let settings: unknown = parsed.data;
  for (const path of secretPathsOf(def, node.data)) {
    const value = valueAt(node.data, path);
    if (isSecretEnvelope(value)) settings = withValueAt(settings, path, value);
  }
  return settings;
}

/** Edges are the same connection when their endpoints are; a re-drawn edge gets a new id but changes nothing. */
function edgeKey(edge: FlowEdge): string {
  return `${edge.source}\u0000${edge.sourceHandle}\u0000${edge.target}\u0000${edge.targetHandle}`;
}

/**
 * What changed between two flow documents, node by node: nodes added, removed and changed
 * (type, canvas label, every changed setting with its before/after value), nodes only moved
 * (reported apart and not counted as changes), and connections added or removed. Why: the
 * versions page shows a person exactly what a version changed, on the canvas and in words.
 * Nodes are matched by id, edges by their endpoints.
 * @example
 * const diff = diffFlows(v1.graph, current, { registry: nodeRegistry });
 * diff.nodes.changed[0].settings // [{ path: "temperature", before: 0.7, after: 0.2 }]
 */
export function diffFlows(a: FlowDocument, b: FlowDocument, options: DiffOptions = {}): FlowDiff {
  const before = new Map(a.nodes.map((node) => [node.id, node]));
  const after = new Map(b.nodes.map((node) => [node.id, node]));
  const diff: FlowDiff = { nodes: { added: [], removed: [], changed: [], moved: [] }, edges: { added: [], removed: [] }, changeCount: 0 };

  for (const node of a.nodes) if (!after.has(node.id)) diff.nodes.removed.push(node);
  for (const node of b.nodes) {
    const old = before.get(node.id);
    if (!old) {
      diff.nodes.added.push(node);
      continue;
    }
    const typeChanged = old.type !== node.type;
    const labelChanged = (old.label ?? "") !== (node.label ?? "");
    const settings: SettingChange[] = [];
    diffValues(settingsOf(old, options.registry), settingsOf(node, options.registry), [], settings);
    if (typeChanged || labelChanged || settings.length > 0) diff.nodes.changed.push({ id: node.id, before: old, after: node, typeChanged, labelChanged, settings });
    const from = old.position ?? { x: 0, y: 0 };
    const to = node.position ?? { x: 0, y: 0 };
    if (from.x !== to.x || from.y !== to.y) diff.nodes.moved.push({ id: node.id, before: from, after: to });
  }

  const edgesBefore = new Set(a.edges.map(edgeKey));
  const edgesAfter = new Set(b.edges.map(edgeKey));
  diff.edges.removed = a.edges.filter((edge) => !edgesAfter.has(edgeKey(edge)));
  diff.edges.added = b.edges.filter((edge) => !edgesBefore.has(edgeKey(edge)));
  diff.changeCount = diff.nodes.added.length + diff.nodes.removed.length + diff.nodes.changed.length + diff.edges.added.length + diff.edges.removed.length;
  return diff;
}

/**
 * Whether two documents differ in anything that is saved, positions included. Cheap enough for
 * every autosave (the automatic version rule asks it on each PATCH).
 * @example if (!sameFlow(latest.graph, flow.graph)) await createFlowVersion(...)
 */
export function sameFlow(a: FlowDocument, b: FlowDocument): boolean {
  const diff = diffFlows(a, b);
  // Canvas-only extras (sticky notes) change nothing that runs, but they are still edits worth keeping.
  const extras = (doc: FlowDocument) => JSON.stringify((doc as { notes?: unknown }).notes ?? []);
  return diff.changeCount === 0 && diff.nodes.moved.length === 0 && extras(a) === extras(b);
}
