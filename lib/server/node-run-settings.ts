import "server-only";
import { isDeepStrictEqual } from "node:util";
import type { FlowNode } from "@/lib/flow/schema";
import { nodeRegistry } from "@/nodes";
import { requirePermission, type Principal } from "./auth";

/** The settings as the node's type reads them (defaults filled in, unknown keys dropped), or undefined when invalid. */
function normalized(type: string, settings: unknown): unknown {
  const def = (nodeRegistry as Record<string, { config: { safeParse(value: unknown): { success: boolean; data?: unknown } } } | undefined>)[type];
  const parsed = def?.config.safeParse(settings ?? {});
  return parsed?.success ? parsed.data : undefined;
}

/** True when `settings` make the node do exactly what its saved settings do. */
export function sameSettings(saved: FlowNode, settings: Record<string, unknown>): boolean {
  if (isDeepStrictEqual(settings, saved.data ?? {})) return true;
  const ours = normalized(saved.type, settings);
  return ours !== undefined && isDeepStrictEqual(ours, normalized(saved.type, saved.data));
}

/**
 * The node a single-node run may execute for this caller. "run" lets a viewer run the flow as it
 * was saved; running a node with settings of one's own choosing (other code, another URL or
 * headers, another model or token budget on the workspace's provider) is an edit, so it needs
 * the "edit" permission — 403 in the caller's language otherwise. Settings equal to the saved
 * ones (after defaults) are the saved node: allowed with "run".
 * @example const node = nodeForRun(ctx.principal, saved, body.settings);
 */
export function nodeForRun(principal: Principal, saved: FlowNode, settings: Record<string, unknown> | undefined): FlowNode {
  if (settings === undefined || sameSettings(saved, settings)) return saved;
  requirePermission(principal, "edit", { en: "run this node with settings other than its saved ones (save the change first)", zh: "以不同于已保存设置的设置运行此节点（请先保存修改）" });
  return { ...saved, data: settings };
}
