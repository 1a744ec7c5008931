import { AppError } from "@/lib/errors";
import { formatMessage, kindNames } from "@/lib/flow/messages";
import { CURRENT_SCHEMA_VERSION, type FlowNode } from "@/lib/flow/schema";
import { analyzeFlow } from "@/lib/flow/validate";
import type { Locale, Localized } from "@/lib/i18n/locale";
import { canConnect, type PortKind } from "@/nodes/ports";
import { converterFor } from "./convert";
import { NodeInvocation, type NodeCallbacks } from "./invoke-node";
import { runMessages } from "./run-messages";
import { defaultLimits, type RunOptions } from "./types";
import type { RunError } from "@/lib/flow/run-record";

export type SingleNodeOptions = Omit<RunOptions, "limits"> & { timeoutMs?: number; maxOutputBytes?: number };

export type SingleNodeResult =
  | { outputs: Record<string, unknown>; durationMs: number; tokens: string[] }
  | { error: RunError; durationMs: number };

const messages = {
  invalidSettings: { en: 'The settings of "{node}" are not valid: {problems}', zh: "“{node}”的设置无效：{problems}" },
  missingInput: { en: 'Give a sample value for the input "{port}" of "{node}".', zh: "请为“{node}”的输入“{port}”提供示例值。" },
  kindMismatch: {
    en: 'The sample value for "{port}" is {given}, but this input takes {wanted}.',
    zh: "输入“{port}”的示例值是{given}，但该输入需要{wanted}。",
  },
} satisfies Record<string, Localized>;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The port kind a sample value looks like, so the engine's edge conversions can apply to it. */
function kindOfValue(value: unknown): PortKind {
  if (typeof value === "string") return "text";
  if (typeof value === "number") return "number";
  if (typeof value === "boolean") return "boolean";
  if (Array.isArray(value) && value.length > 0) {
    if (value.every((item) => isObject(item) && typeof item.text === "string")) return "documents";
    if (value.every((item) => isObject(item) && typeof item.role === "string" && typeof item.content === "string")) return "messages";
  }
  return "json";
}

/** Sample values typed into a text box arrive as strings; a port that wants structure gets the parsed JSON. */
function unwrapJsonText(value: unknown, wanted: PortKind): unknown {
  if (typeof value !== "string" || wanted === "text" || wanted === "any") return value;
  const trimmed = value.trim();
  if (wanted === "number" && trimmed !== "" && Number.isFinite(Number(trimmed))) return Number(trimmed);
  if (wanted === "boolean" && (trimmed === "true" || trimmed === "false")) return trimmed === "true";
  try {
    return JSON.parse(trimmed);
  } catch {
    return value;
  }
}

/**
 * Runs one node of a flow on its own, with sample inputs, the way the engine would run it in a
 * flow: its settings parsed by its type's schema (defaults applied), each input converted as an
 * edge of the value's kind would convert it, the per-node timeout and output-size limit of a flow
 * run (lib/engine/invoke-node.ts), cancellation, and every streamed token collected. Why: a person debugging one prompt or one HTTP call should not have to run
 * the whole flow (Dify's single-node debugging). Never throws: problems come back as `error`.
 * @example
 * const result = await runSingleNode(llmNode, { prompt: "你好" }, { registry: nodeRegistry, services, input, locale: "zh" });
 * if ("error" in result) show(result.error.message); else show(result.outputs.text);
 */
export async function runSingleNode(node: FlowNode, inputs: Record<string, unknown>, opts: SingleNodeOptions): Promise<SingleNodeResult> {
  const locale: Locale = opts.locale ?? "en";
  const now = opts.now ?? (() => performance.now());
  const startedAt = now();
  const elapsed = () => Math.max(0, now() - startedAt);
  const fail = (code: string, message: string): SingleNodeResult => ({ error: { code, message, nodeId: node.id }, durationMs: elapsed() });

  const analysis = analyzeFlow({ schemaVersion: CURRENT_SCHEMA_VERSION, nodes: [node], edges: [] }, opts.registry, locale);
  const unusable = analysis.problems.filter((p) => p.code === "invalid-document" || p.code === "unknown-node-type" || p.code === "internal");
  if (unusable.length > 0) return fail(unusable[0].code === "unknown-node-type" ? "UNKNOWN_NODE_TYPE" : "INVALID_NODE", unusable.map((p) => p.message).join(" "));
  const checked = analysis.nodes.get(node.id);
  if (!checked) return fail("INVALID_NODE", formatMessage(messages.invalidSettings, locale, { node: node.id, problems: "" }));
  const settingProblems = analysis.problems.filter((p) => p.code === "invalid-setting");
  if (!checked.configValid || !checked.ports) {
    return fail("INVALID_SETTINGS", formatMessage(messages.invalidSettings, locale, { node: checked.name, problems: settingProblems.map((p) => p.message).join(" ") }));
  }

  const resolved: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(checked.ports.inputs)) {
    const raw = Object.hasOwn(inputs, name) ? inputs[name] : undefined;
    const portLabel = spec.label?.[locale] || name;
    if (raw === undefined || raw === null || (raw === "" && spec.kind !== "text")) {
      if (spec.required) return fail("INPUT_MISSING", formatMessage(messages.missingInput, locale, { node: checked.name, port: portLabel }));
      continue;
    }
    const value = unwrapJsonText(raw, spec.kind);
    const given = kindOfValue(value);
    if (!canConnect(given, spec.kind)) {
      const vars = { port: portLabel, given: kindNames[given][locale], wanted: kindNames[spec.kind][locale] };
      return fail("INPUT_KIND_MISMATCH", formatMessage(messages.kindMismatch, locale, vars));
    }
    const convert = converterFor(given, spec.kind);
    resolved[name] = convert ? convert(value) : value;
  }

  if (opts.signal?.aborted) return fail("CANCELLED", formatMessage(runMessages.cancelled, locale));
  const limits = { nodeTimeoutMs: opts.timeoutMs ?? defaultLimits.nodeTimeoutMs, maxOutputBytes: opts.maxOutputBytes ?? defaultLimits.maxOutputBytes };
  const tokens: string[] = [];
  let invocation: NodeInvocation<null> | undefined;
  let onAbort = () => {};
  const outcome = await new Promise<{ outputs: Record<string, unknown> } | { error: RunError }>((resolve) => {
    const failed = (_: null, error: RunError) => resolve({ error });
    const callbacks: NodeCallbacks<null> = { token: (_, text) => tokens.push(text), done: (_, outputs) => resolve({ outputs }), failed, tooLarge: failed };
    invocation = new NodeInvocation({ checked, inputs: resolved, services: opts.services, run: opts.input, locale, limits }, callbacks, null);
    onAbort = () => {
      invocation?.abort(new AppError("CANCELLED", runMessages.cancelled));
      failed(null, { code: "CANCELLED", message: formatMessage(runMessages.cancelled, locale), nodeId: node.id });
    };
    opts.signal?.addEventListener("abort", onAbort, { once: true });
  });
  opts.signal?.removeEventListener("abort", onAbort);
  // Whatever the node left running (a stream, a request) stops with the call.
  invocation?.abort(new AppError("CANCELLED", runMessages.cancelled));
  return "error" in outcome ? { error: outcome.error, durationMs: elapsed() } : { outputs: outcome.outputs, durationMs: elapsed(), tokens };
}
