import type { z } from "zod";
import type { Locale, Localized } from "@/lib/i18n/locale";
import type { FlowAnalysis, FlowProblem } from "./validate";
import { formatMessage } from "./messages";

/**
 * What a flow may point at outside itself, by id → the name a person knows it by. A list that
 * is undefined was not available (the checker then says nothing about that kind of reference
 * rather than calling every reference missing).
 */
export interface ReferenceCatalog {
  knowledgeBases?: ReadonlyMap<string, string>;
  /** Stored and built-in model providers ("default" is always valid and need not be listed). */
  providers?: ReadonlyMap<string, string>;
}

export const referenceMessages = {
  noKnowledgeBase: {
    en: '"{node}" searches no knowledge base. Choose at least one in its settings.',
    zh: "“{node}”没有选择知识库，请在它的设置中至少选择一个。",
  },
  knowledgeBaseMissing: {
    en: '"{node}" uses a knowledge base that no longer exists (deleted; id {id}). Choose another in its settings.',
    zh: "“{node}”使用的知识库已不存在（已被删除，编号 {id}），请在它的设置中另选一个。",
  },
  providerMissing: {
    en: '"{node}" uses the model provider "{id}", which no longer exists. Choose another in its settings.',
    zh: "“{node}”使用的模型服务“{id}”已不存在，请在它的设置中另选一个。",
  },
} satisfies Record<string, Localized>;

type Inspectable = z.ZodType & { shape?: Record<string, z.ZodType>; _zod?: { def?: { innerType?: z.ZodType; in?: z.ZodType } } };

/** The meta of a setting through its optional/default wrappers. */
function metaOf(schema: z.ZodType): Record<string, unknown> {
  for (let node: Inspectable | undefined = schema as Inspectable, depth = 0; node && depth < 5; node = node._zod?.def?.innerType as Inspectable | undefined, depth++) {
    const meta = typeof node.meta === "function" ? (node.meta() as Record<string, unknown> | undefined) : undefined;
    if (meta) return meta;
  }
  return {};
}

function shapeOf(schema: z.ZodType): Record<string, z.ZodType> {
  let current: Inspectable | undefined = schema as Inspectable;
  for (let depth = 0; current && !current.shape && depth < 5; depth++) current = (current._zod?.def?.innerType ?? current._zod?.def?.in) as Inspectable | undefined;
  return current?.shape ?? {};
}

function shown(meta: Record<string, unknown>, values: Record<string, unknown>): boolean {
  const when = meta.showWhen as Record<string, unknown> | undefined;
  if (!when) return true;
  return Object.entries(when).every(([key, expected]) => (Array.isArray(expected) ? expected.includes(values[key]) : values[key] === expected));
}

/**
 * Whether a top-level setting of a node type points at a knowledge base or a model provider.
 * @example referenceKind(nodeRegistry.llm.config, "provider") // "provider"
 */
export function referenceKind(config: z.ZodType, field: string): "knowledge-base" | "provider" | null {
  const schema = shapeOf(config)[field];
  if (!schema) return null;
  const widget = metaOf(schema).widget;
  if (widget === "knowledge-bases" || widget === "knowledge-base" || field === "knowledgeBaseIds" || field === "knowledgeBaseId") return "knowledge-base";
  if (widget === "provider" || field === "provider") return "provider";
  return null;
}

/**
 * A knowledge base or provider id as a person knows it: its name, or — when it is gone — what it was.
 * @example referenceName("knowledge-base", "kb1", catalog, "zh") // "员工手册"
 */
export function referenceName(kind: "knowledge-base" | "provider", id: string, catalog: ReferenceCatalog, locale: Locale): string {
  if (kind === "provider" && (id === "default" || id === "")) return referenceWords.defaultProvider[locale];
  const known = kind === "knowledge-base" ? catalog.knowledgeBases : catalog.providers;
  const name = known?.get(id);
  if (name) return name;
  if (!known) return id;
  return formatMessage(kind === "knowledge-base" ? referenceWords.deletedKnowledgeBase : referenceWords.deletedProvider, locale, { id: short(id) });
}

const referenceWords = {
  defaultProvider: { en: "the default provider", zh: "默认模型服务" },
  deletedKnowledgeBase: { en: "a deleted knowledge base ({id})", zh: "已删除的知识库（{id}）" },
  deletedProvider: { en: "a removed provider ({id})", zh: "已删除的模型服务（{id}）" },
} satisfies Record<string, Localized>;

const short = (id: string) => (id.length > 12 ? `${id.slice(0, 8)}…` : id);

/**
 * The problems of what a flow points at: knowledge bases (a retriever with none, or one that was
 * deleted) and model providers that no longer exist. They do not make the document invalid — it
 * is still saved, so a deleted knowledge base never blocks autosave of unrelated edits — but a
 * run refuses to start while any remains, and the checklist lists them with the others.
 * Settings are found by their form widget (`knowledge-base(s)`, `provider`, or a `provider`
 * key), so a new node type that points at these is checked without changes here.
 * @example checkReferences(analyzeFlow(doc, nodeRegistry, "zh"), { knowledgeBases: new Map([["kb1", "员工手册"]]) }, "zh")
 */
export function checkReferences(analysis: Pick<FlowAnalysis, "nodes">, catalog: ReferenceCatalog, locale: Locale): FlowProblem[] {
  const problems: FlowProblem[] = [];
  for (const { node, def, config, configValid, name } of analysis.nodes.values()) {
    if (!configValid || typeof config !== "object" || config === null) continue;
    const values = config as Record<string, unknown>;
    for (const [field, schema] of Object.entries(shapeOf(def.config))) {
      if (!shown(metaOf(schema), values)) continue;
      const kind = referenceKind(def.config, field);
      const value = values[field];
      if (kind === "knowledge-base") {
        const ids = (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === "string" && v !== "");
        if (ids.length === 0) {
          problems.push({ code: "knowledge-base-unset", nodeId: node.id, field, message: formatMessage(referenceMessages.noKnowledgeBase, locale, { node: name }) });
          continue;
        }
        const known = catalog.knowledgeBases;
        if (!known) continue;
        for (const id of ids) {
          if (known.has(id)) continue;
          problems.push({ code: "knowledge-base-missing", nodeId: node.id, field, reference: id, message: formatMessage(referenceMessages.knowledgeBaseMissing, locale, { node: name, id: short(id) }) });
        }
      } else if (kind === "provider") {
        const known = catalog.providers;
        if (!known || typeof value !== "string" || value === "" || value === "default" || known.has(value)) continue;
        problems.push({ code: "provider-missing", nodeId: node.id, field, reference: value, message: formatMessage(referenceMessages.providerMissing, locale, { node: name, id: value }) });
      }
    }
  }
  return problems;
}

/** Whether a problem is about a reference (saved anyway; blocks runs) rather than the document's structure. */
export function isReferenceProblem(problem: FlowProblem): boolean {
  return problem.code === "knowledge-base-unset" || problem.code === "knowledge-base-missing" || problem.code === "provider-missing";
}
