import "server-only";
import type { Db } from "@/lib/db";
import { getKnowledgeBasesByIds, listKnowledgeBases } from "@/lib/db/queries/knowledge-bases";
import { listFlowGraphsByWorkspaceId } from "@/lib/db/queries/flows";
import { AppError } from "@/lib/errors";
import { checkReferences, type ReferenceCatalog } from "@/lib/flow/references";
import type { FlowDocument } from "@/lib/flow/schema";
import { analyzeFlow, validateFlow, type FlowProblem } from "@/lib/flow/validate";
import type { Locale } from "@/lib/i18n/locale";
import { nodeRegistry } from "@/nodes";
import { providerNames } from "./providers";

/**
 * Validates a flow document before it is stored. An invalid flow is refused (400) with every
 * problem, each naming its node and setting in the person's language; nothing is written.
 * References to knowledge bases and providers are not part of this (see `flowReferenceProblems`).
 */
export function requireValidFlow(graph: unknown, locale: Locale): FlowDocument {
  const result = validateFlow(graph, nodeRegistry, locale);
  if (result.ok) return result.flow;
  const count = result.problems.length;
  throw new AppError(
    "invalid_flow",
    { en: `The flow has ${count} problem${count === 1 ? "" : "s"}; nothing was saved.`, zh: `流程有 ${count} 个问题，未保存。` },
    400,
    { problems: result.problems },
  );
}

/** The workspace's knowledge bases and providers (stored and built-in), by id → name. */
export async function referenceCatalog(db: Db, workspaceId: string, locale?: Locale): Promise<Required<ReferenceCatalog>> {
  const [bases, providers] = await Promise.all([listKnowledgeBases(db, workspaceId), providerNames(db, workspaceId, locale)]);
  return { knowledgeBases: new Map(bases.map((kb) => [kb.id, kb.name])), providers };
}

/**
 * What a saved flow points at that is not there: a retriever with no knowledge base, a deleted
 * knowledge base, a removed provider. A save stores the flow anyway and returns these (so one
 * deleted knowledge base never blocks saving unrelated edits, as in Dify); a run refuses them.
 * @example const problems = await flowReferenceProblems(db, "local", flow.graph, "zh");
 */
export async function flowReferenceProblems(db: Db, workspaceId: string, graph: unknown, locale: Locale): Promise<FlowProblem[]> {
  const analysis = analyzeFlow(graph, nodeRegistry, locale);
  // Only what the flow names is looked up (this runs before every run): against empty
  // catalogues every reference is reported with its id, which says what to fetch.
  const named = checkReferences(analysis, { knowledgeBases: new Map(), providers: new Map() }, locale);
  const ids = (code: FlowProblem["code"]) => [...new Set(named.filter((p) => p.code === code && p.reference).map((p) => p.reference as string))];
  const [kbIds, providerIds] = [ids("knowledge-base-missing"), ids("provider-missing")];
  const [bases, providers] = await Promise.all([
    kbIds.length ? getKnowledgeBasesByIds(db, workspaceId, kbIds) : [],
    providerIds.length ? providerNames(db, workspaceId, locale) : new Map<string, string>(),
  ]);
  return checkReferences(analysis, { knowledgeBases: new Map(bases.map((kb) => [kb.id, kb.name])), providers }, locale);
}

/**
 * Refuses to run a flow whose references are broken (400 `flow_not_runnable`, the problems in
 * `details.problems`), naming the first so the test panel's one-line error says what to fix —
 * instead of a retriever quietly answering without sources.
 */
export async function requireRunnableFlow(db: Db, workspaceId: string, graph: unknown, locale: Locale): Promise<void> {
  const problems = await flowReferenceProblems(db, workspaceId, graph, locale);
  if (!problems.length) return;
  const first = problems[0].message;
  const more = problems.length - 1;
  throw new AppError(
    "flow_not_runnable",
    {
      en: `The flow cannot run: ${first}${more ? ` (and ${more} more problem${more === 1 ? "" : "s"} in the checklist)` : ""}`,
      zh: `流程无法运行：${first}${more ? `（检查清单中还有 ${more} 个问题）` : ""}`,
    },
    400,
    { problems },
  );
}

/** Something that uses a knowledge base; published bots will join flows here as `kind: "bot"`. */
export interface KnowledgeBaseUser {
  kind: "flow";
  id: string;
  name: string;
}

/**
 * The flows whose retrievers search a knowledge base, by name — what deleting it would break.
 * Found by reading each flow's reference settings, the same way validation finds them.
 * @example await knowledgeBaseUsers(db, "local", kb.id) // [{ kind: "flow", id, name: "客服机器人" }]
 */
export async function knowledgeBaseUsers(db: Db, workspaceId: string, knowledgeBaseId: string): Promise<KnowledgeBaseUser[]> {
  const flows = await listFlowGraphsByWorkspaceId(db, workspaceId);
  // Against an empty catalog every knowledge base a flow names is reported, with its id.
  const none = { knowledgeBases: new Map<string, string>() };
  return flows
    .filter((flow) => checkReferences(analyzeFlow(flow.graph, nodeRegistry, "en"), none, "en").some((p) => p.reference === knowledgeBaseId))
    .map((flow) => ({ kind: "flow" as const, id: flow.id, name: flow.name }));
}
