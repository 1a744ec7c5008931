import type { z } from "zod";
import { buildGraph, findCycle, reachableFrom, type FlowGraph } from "./graph";
import { type NodeRegistry, portsOf, type AnyNodeDef, type PortMap } from "@/nodes/define";
import { errorMessage } from "@/lib/errors";
import type { Locale, Localized } from "@/lib/i18n/locale";
import { canConnect, type PortSpec } from "@/nodes/ports";
import { describeIssue, flowMessages, formatMessage, kindNames, settingMessages, type IssueLike } from "./messages";
import { flowDocumentSchema, type FlowDocument, type FlowNode } from "./schema";
import { secretsAsText } from "./secrets";

export type FlowProblemCode =
  | "invalid-document"
  | "duplicate-node-id"
  | "unknown-node-type"
  | "edge-source-missing"
  | "edge-target-missing"
  | "missing-output-port"
  | "missing-input-port"
  | "port-kind-mismatch"
  | "multiple-input-edges"
  | "cycle"
  | "invalid-setting"
  | "required-input-missing"
  | "no-start"
  | "multiple-starts"
  | "no-answer"
  | "answer-unreachable"
  | "knowledge-base-unset"
  | "knowledge-base-missing"
  | "provider-missing"
  | "internal";

/**
 * One thing wrong with a flow, pinned to what the canvas can highlight: a node, an edge,
 * a setting (`field`, the zod path joined by ".") or a port. `message` is already in the
 * person's language and names nodes by the labels they see.
 */
export interface FlowProblem {
  code: FlowProblemCode;
  nodeId?: string;
  edgeId?: string;
  field?: string;
  /** The input or output port concerned, when there is one. */
  port?: string;
  /** Every node of a cycle (the `cycle` problem), so the canvas can mark the whole loop. */
  nodeIds?: string[];
  /** The id of the knowledge base or provider a reference problem is about. */
  reference?: string;
  message: string;
}

export type FlowValidation = { ok: true; flow: FlowDocument } | { ok: false; problems: FlowProblem[] };

/** A node whose type is known, with its parsed settings and the ports those settings give it. */
export interface CheckedNode {
  node: FlowNode;
  def: AnyNodeDef;
  /** Parsed settings (defaults applied) when valid; the raw `data` otherwise. */
  config: unknown;
  configValid: boolean;
  /** Undefined when the ports could not be worked out from invalid settings. */
  ports?: { inputs: PortMap; outputs: PortMap };
  /** What the person calls this node: its canvas label, else its type's label. */
  name: string;
}

/** Everything validation learned; the engine reuses it instead of parsing settings twice. */
export interface FlowAnalysis {
  problems: FlowProblem[];
  flow?: FlowDocument;
  graph?: FlowGraph;
  nodes: Map<string, CheckedNode>;
}

/**
 * Checks a flow before saving or running it and reports every problem at once, per node, in
 * the person's language. Never throws: malformed input is a problem like any other.
 * @example
 * const result = validateFlow(await req.json(), nodeRegistry, "zh");
 * if (!result.ok) return Response.json({ problems: result.problems }, { status: 422 });
 */
export function validateFlow(doc: unknown, registry: NodeRegistry, locale: Locale): FlowValidation {
  const analysis = analyzeFlow(doc, registry, locale);
  if (analysis.problems.length > 0 || !analysis.flow) return { ok: false, problems: analysis.problems };
  return { ok: true, flow: analysis.flow };
}

/**
 * `validateFlow` with its working kept: the graph and each node's parsed settings and ports.
 * @example const { problems, nodes } = analyzeFlow(doc, registry, "en");
 */
export function analyzeFlow(doc: unknown, registry: NodeRegistry, locale: Locale): FlowAnalysis {
  const nodes = new Map<string, CheckedNode>();
  try {
    const parsed = flowDocumentSchema.safeParse(doc, { reportInput: true });
    if (!parsed.success) {
      const problems = parsed.error.issues.map((issue): FlowProblem => {
        const field = issue.path.map(String).join(".");
        if (!field) return { code: "invalid-document", field, message: formatMessage(flowMessages.notAFlow, locale) };
        if (issue.path[0] === "schemaVersion") {
          const found = (issue as { input?: unknown }).input;
          const template = found === undefined ? flowMessages.noFormatMark : flowMessages.otherFormat;
          return { code: "invalid-document", field, message: formatMessage(template, locale, { version: String(found) }) };
        }
        const detail = describeIssue(issue as IssueLike, documentPlace(issue.path, locale), locale);
        return { code: "invalid-document", field, message: formatMessage(flowMessages.invalidDocument, locale, { detail }) };
      });
      return { problems, nodes };
    }
    const flow = parsed.data;
    const graph = buildGraph(flow);
    const problems = [
      ...checkNodes(flow, registry, locale, nodes),
      ...checkEdges(flow, graph, nodes, locale),
      ...checkStructure(graph, nodes, locale),
    ];
    return { problems, flow, graph, nodes };
  } catch (error) {
    const detail = errorMessage(error, locale);
    return { problems: [{ code: "internal", message: formatMessage(flowMessages.internal, locale, { detail }) }], nodes };
  }
}

const documentFields: Record<string, Localized> = {
  id: { en: "id", zh: "编号" },
  type: { en: "type", zh: "类型" },
  position: { en: "position", zh: "位置" },
  data: { en: "settings", zh: "设置" },
  label: { en: "name", zh: "名称" },
  source: { en: "start node", zh: "起点节点" },
  target: { en: "end node", zh: "终点节点" },
  sourceHandle: { en: "output", zh: "输出端口" },
  targetHandle: { en: "input", zh: "输入端口" },
};

/** "the 2nd node's type" for `nodes.1.type`: where in a flow file a problem is, in words. */
function documentPlace(path: readonly PropertyKey[], locale: Locale): string {
  const [list, index, key] = path.map(String);
  const n = Number(index) + 1;
  const what = key ? (documentFields[key]?.[locale] ?? key) : "";
  if ((list === "nodes" || list === "edges" || list === "notes") && Number.isInteger(n)) {
    const zhUnit = list === "nodes" ? "个节点" : list === "edges" ? "条连线" : "个便签";
    const enUnit = list === "nodes" ? "node" : list === "edges" ? "connection" : "note";
    if (locale === "zh") return what ? `第 ${n} ${zhUnit}的${what}` : `第 ${n} ${zhUnit}`;
    return what ? `the ${what} of ${enUnit} ${n}` : `${enUnit} ${n}`;
  }
  return path.map(String).join(".");
}

function checkNodes(flow: FlowDocument, registry: NodeRegistry, locale: Locale, out: Map<string, CheckedNode>): FlowProblem[] {
  const problems: FlowProblem[] = [];
  const seen = new Set<string>();
  const defOf = (type: string) => (Object.hasOwn(registry, type) ? registry[type] : undefined);
  const typeCount = new Map<string, number>();
  for (const node of flow.nodes) if (!node.label) typeCount.set(node.type, (typeCount.get(node.type) ?? 0) + 1);
  for (const node of flow.nodes) {
    const def = defOf(node.type);
    const typeName = def?.ui.label[locale] || node.type;
    // Two unlabeled nodes of one type would read the same in a message: add the id to tell them apart.
    const name = node.label || ((typeCount.get(node.type) ?? 0) > 1 ? formatMessage(flowMessages.sameNameNode, locale, { name: typeName, id: node.id }) : typeName);
    if (seen.has(node.id)) {
      problems.push({ code: "duplicate-node-id", nodeId: node.id, message: formatMessage(flowMessages.duplicateNodeId, locale, { id: node.id, node: name }) });
      continue;
    }
    seen.add(node.id);
    if (!def) {
      const template = node.label ? flowMessages.unknownNodeType : flowMessages.unknownNodeTypeUnnamed;
      problems.push({ code: "unknown-node-type", nodeId: node.id, message: formatMessage(template, locale, { node: name, type: node.type }) });
      continue;
    }
    // A secret (encrypted or masked) is checked as text that stands for it: never seen, still valid.
    const settings = def.config.safeParse(secretsAsText(node.data), { reportInput: true });
    if (!settings.success) {
      for (const issue of settings.error.issues) {
        const field = issue.path.map(String).join(".");
        const label = fieldLabel(def.config, issue.path, locale) ?? (field || settingMessages.wholeSettings[locale]);
        const detail = describeIssue(issue as IssueLike, label, locale);
        problems.push({ code: "invalid-setting", nodeId: node.id, field, message: formatMessage(flowMessages.invalidSetting, locale, { node: name, detail }) });
      }
    }
    const config: unknown = settings.success ? settings.data : node.data;
    let ports: CheckedNode["ports"];
    try {
      ports = portsOf(def, config);
    } catch (error) {
      // With broken settings the settings problems above already explain it; with valid ones it is news.
      if (settings.success) {
        const detail = errorMessage(error, locale);
        problems.push({ code: "internal", nodeId: node.id, message: formatMessage(flowMessages.portsFailed, locale, { node: name, detail }) });
      }
    }
    out.set(node.id, { node, def, config, configValid: settings.success, ports, name });
  }
  return problems;
}

function portName(spec: PortSpec | undefined, port: string, locale: Locale): string {
  return spec?.label?.[locale] || port;
}

function checkEdges(flow: FlowDocument, graph: FlowGraph, nodes: Map<string, CheckedNode>, locale: Locale): FlowProblem[] {
  const problems: FlowProblem[] = [];
  const intoPort = new Map<string, number>();
  for (const edge of flow.edges) {
    if (!graph.nodes.has(edge.source)) {
      problems.push({ code: "edge-source-missing", edgeId: edge.id, message: formatMessage(flowMessages.edgeSourceMissing, locale, { id: edge.source }) });
      continue;
    }
    if (!graph.nodes.has(edge.target)) {
      problems.push({ code: "edge-target-missing", edgeId: edge.id, message: formatMessage(flowMessages.edgeTargetMissing, locale, { id: edge.target }) });
      continue;
    }
    const key = `${edge.target}\u0000${edge.targetHandle}`;
    intoPort.set(key, (intoPort.get(key) ?? 0) + 1);
    const from = nodes.get(edge.source);
    const to = nodes.get(edge.target);
    const out = from?.ports && Object.hasOwn(from.ports.outputs, edge.sourceHandle) ? from.ports.outputs[edge.sourceHandle] : undefined;
    const inp = to?.ports && Object.hasOwn(to.ports.inputs, edge.targetHandle) ? to.ports.inputs[edge.targetHandle] : undefined;
    if (from?.ports && !out) {
      problems.push({ code: "missing-output-port", edgeId: edge.id, nodeId: from.node.id, port: edge.sourceHandle, message: formatMessage(flowMessages.missingOutputPort, locale, { node: from.name, port: edge.sourceHandle }) });
    }
    if (to?.ports && !inp) {
      problems.push({ code: "missing-input-port", edgeId: edge.id, nodeId: to.node.id, port: edge.targetHandle, message: formatMessage(flowMessages.missingInputPort, locale, { node: to.name, port: edge.targetHandle }) });
    }
    if (from && to && out && inp && !canConnect(out.kind, inp.kind)) {
      const vars = {
        from: from.name, fromPort: portName(out, edge.sourceHandle, locale), fromKind: kindNames[out.kind][locale],
        node: to.name, port: portName(inp, edge.targetHandle, locale), toKind: kindNames[inp.kind][locale],
      };
      problems.push({ code: "port-kind-mismatch", edgeId: edge.id, nodeId: to.node.id, port: edge.targetHandle, message: formatMessage(flowMessages.portKindMismatch, locale, vars) });
    }
  }
  for (const [key, count] of intoPort) {
    if (count < 2) continue;
    const [nodeId, port] = key.split("\u0000");
    const to = nodes.get(nodeId);
    const vars = { node: to?.name ?? nodeId, port: portName(to?.ports?.inputs[port], port, locale), count };
    problems.push({ code: "multiple-input-edges", nodeId, port, message: formatMessage(flowMessages.multipleInputEdges, locale, vars) });
  }
  for (const checked of nodes.values()) {
    if (!checked.ports) continue;
    const connected = new Set(graph.incoming.get(checked.node.id)?.map((e) => e.targetHandle));
    for (const [port, spec] of Object.entries(checked.ports.inputs)) {
      if (!spec.required || connected.has(port)) continue;
      const vars = { node: checked.name, port: portName(spec, port, locale) };
      problems.push({ code: "required-input-missing", nodeId: checked.node.id, port, message: formatMessage(flowMessages.requiredInputMissing, locale, vars) });
    }
  }
  return problems;
}

function checkStructure(graph: FlowGraph, nodes: Map<string, CheckedNode>, locale: Locale): FlowProblem[] {
  const problems: FlowProblem[] = [];
  const cycle = findCycle(graph);
  if (cycle) {
    const names = cycle.map((id) => nodes.get(id)?.name ?? graph.nodes.get(id)?.type ?? id);
    const loop = [...names, names[0]].join(" → ");
    problems.push({ code: "cycle", nodeId: cycle[0], nodeIds: cycle, message: formatMessage(flowMessages.cycle, locale, { nodes: loop }) });
  }
  const checked = [...nodes.values()];
  const starts = checked.filter((c) => c.def.entry);
  const answers = checked.filter((c) => c.def.terminal);
  if (starts.length === 0) problems.push({ code: "no-start", message: formatMessage(flowMessages.noStart, locale) });
  for (const extra of starts.slice(1)) {
    problems.push({ code: "multiple-starts", nodeId: extra.node.id, message: formatMessage(flowMessages.multipleStarts, locale, { node: extra.name }) });
  }
  if (answers.length === 0) problems.push({ code: "no-answer", message: formatMessage(flowMessages.noAnswer, locale) });
  if (starts.length > 0) {
    const reached = reachableFrom(graph, starts.map((s) => s.node.id));
    for (const answer of answers) {
      if (reached.has(answer.node.id)) continue;
      problems.push({ code: "answer-unreachable", nodeId: answer.node.id, message: formatMessage(flowMessages.answerUnreachable, locale, { node: answer.name }) });
    }
  }
  return problems;
}

type Inspectable = z.ZodType & { shape?: Record<string, z.ZodType>; _zod?: { def?: { innerType?: z.ZodType; in?: z.ZodType; element?: z.ZodType } } };

function metaLabel(schema: Inspectable, locale: Locale): string | undefined {
  const meta = typeof schema.meta === "function" ? (schema.meta() as Record<string, unknown> | undefined) : undefined;
  const label = meta?.label as Localized | string | undefined;
  if (typeof label === "string") return label;
  if (label && typeof label[locale] === "string") return label[locale];
  return typeof meta?.title === "string" ? meta.title : undefined;
}

/**
 * The label a node author gave a setting (`.meta({ label: { en, zh } })` or `.meta({ title })`),
 * found by walking the settings schema along the issue path through optional/default wrappers.
 */
function fieldLabel(schema: z.ZodType, path: readonly PropertyKey[], locale: Locale): string | undefined {
  let current: Inspectable | undefined = schema as Inspectable;
  let label: string | undefined;
  for (const key of path) {
    for (let depth = 0; current && !current.shape && depth < 5; depth++) {
      current = current._zod?.def?.innerType ?? current._zod?.def?.in;
    }
    const next: Inspectable | undefined = current?.shape?.[String(key)] as Inspectable | undefined;
    if (!next) return label;
    current = next;
    label = undefined;
    for (let node: Inspectable | undefined = next, depth = 0; node && depth < 5; node = node._zod?.def?.innerType, depth++) {
      const found = metaLabel(node, locale);
      if (found) {
        label = found;
        break;
      }
    }
  }
  return label;
}
