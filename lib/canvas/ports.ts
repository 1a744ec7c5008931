import { secretsAsText } from "@/lib/flow/secrets";
import { getNodeDef } from "@/nodes";
import { portsOf, type PortMap } from "@/nodes/define";
import type { PortKind } from "@/nodes/ports";

export interface NodePorts {
  inputs: PortMap;
  outputs: PortMap;
}

const EMPTY: NodePorts = { inputs: {}, outputs: {} };
const cache = new WeakMap<object, Map<string, NodePorts>>();

/**
 * The ports a node has with these settings. Ports may depend on settings (a prompt's
 * `{{variables}}`, a condition's branches); half-typed settings still give the ports they can,
 * so the canvas never loses handles while someone types. Cached per settings object, which
 * the store replaces on every change.
 * @example nodePorts("prompt", { template: "{{问题}}" }).inputs // { 问题: { kind: "text", … } }
 */
export function nodePorts(type: string, config: Record<string, unknown>): NodePorts {
  const def = getNodeDef(type);
  if (!def) return EMPTY;
  let byType = cache.get(config);
  const hit = byType?.get(type);
  if (hit) return hit;
  // Secrets stand in as text carrying their {{variables}}: a masked header still gives its ports.
  const parsed = def.config.safeParse(secretsAsText(config));
  let ports: NodePorts;
  try {
    ports = portsOf(def, parsed.success ? parsed.data : { ...defaultsOf(def.config), ...config });
  } catch {
    ports = {
      inputs: typeof def.inputs === "function" ? {} : def.inputs,
      outputs: typeof def.outputs === "function" ? {} : def.outputs,
    };
  }
  if (!byType) cache.set(config, (byType = new Map()));
  byType.set(type, ports);
  return ports;
}

function defaultsOf(schema: unknown): Record<string, unknown> {
  const shape = (schema as { shape?: Record<string, { safeParse(v: unknown): { success: boolean; data?: unknown } }> }).shape;
  if (!shape) return {};
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(shape)) {
    const result = field.safeParse(undefined);
    if (result.success && result.data !== undefined) out[key] = result.data;
  }
  return out;
}

/** One colour per port kind, shared by handles, the legend and edges. */
export const kindColors: Record<PortKind, string> = {
  text: "#2f6fed",
  number: "#d97706",
  boolean: "#7c3aed",
  json: "#0f766e",
  messages: "#db2777",
  documents: "#16a34a",
  any: "#6b7280",
};
