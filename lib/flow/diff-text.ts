import type { z } from "zod";
import type { NodeRegistry } from "@/nodes/define";
import type { Locale, Localized } from "@/lib/i18n/locale";
import type { FlowDiff, SettingChange } from "./diff";
import { portsOf } from "@/nodes/define";
import { formatMessage } from "./messages";
import { referenceKind, referenceName, type ReferenceCatalog } from "./references";
import type { FlowDocument, FlowEdge, FlowNode } from "./schema";
import { isSecretEnvelope } from "./secrets";

export type DiffLineKind = "node-added" | "node-removed" | "node-changed" | "node-moved" | "edge-added" | "edge-removed";

/** One change in words, with what the canvas should highlight. */
export interface DiffLine {
  kind: DiffLineKind;
  nodeId?: string;
  edgeId?: string;
  text: string;
}

const words = {
  added: { en: "Added node: {node}", zh: "新增节点：{node}" },
  removed: { en: "Removed node: {node}", zh: "删除节点：{node}" },
  setting: { en: "{node}: {setting} {before} → {after}", zh: "{node}：{setting} {before} → {after}" },
  renamed: { en: "Renamed {before} → {after}", zh: "重命名：{before} → {after}" },
  retyped: { en: "{node}: type {before} → {after}", zh: "{node}：类型 {before} → {after}" },
  moved: { en: "Moved on the canvas: {node}", zh: "在画布上移动：{node}" },
  connected: { en: "Connected: {from} → {to}", zh: "新增连线：{from} → {to}" },
  end: { en: "{node} ({port})", zh: "{node}（{port}）" },
  disconnected: { en: "Disconnected: {from} → {to}", zh: "删除连线：{from} → {to}" },
  none: { en: "(none)", zh: "（无）" },
  empty: { en: "(empty)", zh: "（空）" },
  secret: { en: "{node}: {setting} — secret changed", zh: "{node}：{setting}——密钥已更改" },
  secretSet: { en: "{node}: {setting} — secret set", zh: "{node}：{setting}——已设置密钥" },
  secretRemoved: { en: "{node}: {setting} — secret removed", zh: "{node}：{setting}——已移除密钥" },
} satisfies Record<string, Localized>;

type Inspectable = z.ZodType & { shape?: Record<string, z.ZodType>; _zod?: { def?: { innerType?: z.ZodType; in?: z.ZodType; element?: z.ZodType } } };

function unwrap(schema: Inspectable | undefined): Inspectable | undefined {
  let current = schema;
  for (let depth = 0; current && depth < 6; depth++) {
    const inner = current._zod?.def?.innerType ?? current._zod?.def?.in;
    if (!inner) break;
    current = inner as Inspectable;
  }
  return current;
}

function metaLabel(schema: Inspectable | undefined, locale: Locale): string | undefined {
  for (let node = schema, depth = 0; node && depth < 6; node = node._zod?.def?.innerType as Inspectable | undefined, depth++) {
    const meta = typeof node.meta === "function" ? (node.meta() as { label?: Localized | string } | undefined) : undefined;
    if (typeof meta?.label === "string") return meta.label;
    if (meta?.label?.[locale]) return meta.label[locale];
  }
  return undefined;
}

/** "Branches #1 › Rules #1 › Value": the setting's labels from its schema, indexes counted from 1. */
function settingLabel(schema: z.ZodType | undefined, path: string, locale: Locale): string {
  const parts: string[] = [];
  let current = schema as Inspectable | undefined;
  for (const segment of path.split(".")) {
    const base = unwrap(current);
    if (/^\d+$/.test(segment) && (base?._zod?.def?.element || !base)) {
      const index = `#${Number(segment) + 1}`;
      if (parts.length > 0) parts[parts.length - 1] += ` ${index}`;
      else parts.push(index);
      current = base?._zod?.def?.element as Inspectable | undefined;
      continue;
    }
    const next = base?.shape?.[segment] as Inspectable | undefined;
    parts.push(metaLabel(next, locale) ?? segment);
    current = next;
  }
  return parts.join(" › ");
}

/** Chinese quotes in Chinese; straight ones in English, where CJK fonts would draw “ ” full width. */
const quote = (text: string, locale: Locale) => (locale === "zh" ? `“${text}”` : `"${text}"`);

function formatValue(value: unknown, locale: Locale): string {
  if (value === undefined || value === null) return words.none[locale];
  if (value === "") return words.empty[locale];
  const text = typeof value === "string" ? value : typeof value === "object" ? JSON.stringify(value) : String(value);
  const short = text.length > 80 ? `${text.slice(0, 79)}…` : text;
  return typeof value === "string" ? quote(short.replace(/\s+/g, " "), locale) : short;
}

/**
 * A diff in words a person reads, one line per change, in their language: "LLM: Temperature
 * 0.7 → 0.2", "Added node: Answer". Nodes are named by their canvas label, else their type's.
 * `docs` are the two documents compared, for naming the ends of connections.
 * @example describeFlowDiff(diffFlows(v1, v2), { from: v1, to: v2 }, nodeRegistry, "zh") // [{ kind: "node-changed", nodeId: "llm", text: "大模型：温度 0.7 → 0.2" }]
 */
export function describeFlowDiff(diff: FlowDiff, docs: { from: FlowDocument; to: FlowDocument }, registry: NodeRegistry, locale: Locale, catalog?: ReferenceCatalog): DiffLine[] {
  const defOf = (type: string) => (Object.hasOwn(registry, type) ? registry[type] : undefined);
  const name = (node: FlowNode | undefined, fallback: string) => node?.label || (node ? defOf(node.type)?.ui.label[locale] || node.type : fallback);
  const lines: DiffLine[] = [];
  for (const node of diff.nodes.added) lines.push({ kind: "node-added", nodeId: node.id, text: formatMessage(words.added, locale, { node: name(node, node.id) }) });
  for (const node of diff.nodes.removed) lines.push({ kind: "node-removed", nodeId: node.id, text: formatMessage(words.removed, locale, { node: name(node, node.id) }) });
  for (const change of diff.nodes.changed) {
    const shown = name(change.after, change.id);
    const line = (text: string) => lines.push({ kind: "node-changed", nodeId: change.id, text });
    if (change.labelChanged) line(formatMessage(words.renamed, locale, { before: quote(name(change.before, change.id), locale), after: quote(shown, locale) }));
    if (change.typeChanged) {
      const typeName = (type: string) => defOf(type)?.ui.label[locale] || type;
      line(formatMessage(words.retyped, locale, { node: shown, before: typeName(change.before.type), after: typeName(change.after.type) }));
    }
    const schema = defOf(change.after.type)?.config;
    for (const setting of change.settings) line(settingLine(shown, setting, schema, locale, catalog));
  }
  const all = new Map<string, FlowNode>();
  for (const node of [...docs.from.nodes, ...docs.to.nodes]) all.set(node.id, node);
  // "Knowledge retrieval (Context text)": the port's label as the canvas shows it, not its key.
  const end = (edge: FlowEdge, side: "source" | "target") => {
    const id = edge[side];
    const port = side === "source" ? edge.sourceHandle : edge.targetHandle;
    const node = all.get(id);
    const def = node ? defOf(node.type) : undefined;
    let label = port;
    if (node && def) {
      try {
        const parsed = def.config.safeParse(node.data);
        const ports = portsOf(def, parsed.success ? parsed.data : node.data);
        label = (side === "source" ? ports.outputs : ports.inputs)[port]?.label?.[locale] || port;
      } catch {
        // ports that cannot be worked out from broken settings: the key is all there is
      }
    }
    return formatMessage(words.end, locale, { node: name(node, id), port: label });
  };
  for (const edge of diff.edges.added) lines.push({ kind: "edge-added", edgeId: edge.id, text: formatMessage(words.connected, locale, { from: end(edge, "source"), to: end(edge, "target") }) });
  for (const edge of diff.edges.removed) lines.push({ kind: "edge-removed", edgeId: edge.id, text: formatMessage(words.disconnected, locale, { from: end(edge, "source"), to: end(edge, "target") }) });
  for (const move of diff.nodes.moved) {
    lines.push({ kind: "node-moved", nodeId: move.id, text: formatMessage(words.moved, locale, { node: name(all.get(move.id), move.id) }) });
  }
  return lines;
}

function settingLine(node: string, setting: SettingChange, schema: z.ZodType | undefined, locale: Locale, catalog: ReferenceCatalog | undefined): string {
  // A secret's value is never written out, not even masked: only that it changed.
  const secretBefore = isSecretEnvelope(setting.before);
  const secretAfter = isSecretEnvelope(setting.after);
  if (secretBefore || secretAfter) {
    const kind = secretBefore && secretAfter ? words.secret : secretAfter ? words.secretSet : words.secretRemoved;
    return formatMessage(kind, locale, { node, setting: settingLabel(schema, setting.path, locale) });
  }
  // Knowledge bases and providers are shown by name, never by id.
  const kind = schema && catalog ? referenceKind(schema, setting.path.split(".")[0]) : null;
  const value = (v: unknown): string => {
    if (!kind || !catalog) return formatValue(v, locale);
    if (typeof v === "string") return quote(referenceName(kind, v, catalog, locale), locale);
    if (Array.isArray(v)) return v.length ? v.map((x) => (typeof x === "string" ? quote(referenceName(kind, x, catalog, locale), locale) : formatValue(x, locale))).join(locale === "zh" ? "、" : ", ") : words.none[locale];
    return formatValue(v, locale);
  };
  return formatMessage(words.setting, locale, {
    node,
    setting: settingLabel(schema, setting.path, locale),
    before: value(setting.before),
    after: value(setting.after),
  });
}
