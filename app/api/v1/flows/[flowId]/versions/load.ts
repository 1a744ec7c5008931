import "server-only";
import type { Db } from "@/lib/db";
import { getFlowById, getFlowVersion } from "@/lib/db/queries/flows";
import type { Flow, FlowVersion } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import { describeVersionNote } from "@/lib/flow/version-notes";
import type { Locale } from "@/lib/i18n/locale";
import { notFound, type RequestContext } from "@/lib/server/request";

/** Who a version is credited to: the person's name, or the API key that asked for it. */
export function authorOf(ctx: RequestContext): string {
  if (ctx.principal.user) return ctx.principal.user.name || ctx.principal.user.email;
  return `API key trl_${ctx.principal.apiKeyId ?? "?"}`;
}

/**
 * The flow, when it belongs to the caller's workspace. Versions are only ever reached through
 * this check: their queries take a flow id and know nothing of workspaces.
 * @example const flow = await requireFlow(db, ctx.workspaceId, flowId); // 404 otherwise
 */
export async function requireFlow(db: Db, workspaceId: string, flowId: string): Promise<Flow> {
  const flow = await getFlowById(db, workspaceId, flowId);
  if (!flow) throw notFound({ en: "Flow", zh: "该流程" });
  return flow;
}

/**
 * Parses a version number from the URL ("3"); anything else is a 400 in both languages.
 * @example parseVersionNumber("3") // 3
 */
export function parseVersionNumber(raw: string): number {
  if (!/^[1-9]\d{0,8}$/.test(raw)) {
    throw new AppError("invalid_request", { en: `"${raw.slice(0, 40)}" is not a version number.`, zh: `“${raw.slice(0, 40)}”不是版本号。` }, 400);
  }
  return Number(raw);
}

/**
 * One version of a flow already checked with `requireFlow`, or a 404 naming the version.
 * @example const v = await requireVersion(db, flow.id, 2);
 */
export async function requireVersion(db: Db, flowId: string, version: number): Promise<FlowVersion> {
  const found = await getFlowVersion(db, flowId, version);
  if (!found) throw notFound({ en: `Version ${version}`, zh: `版本 ${version}` });
  return found;
}

/**
 * A version as the list shows it: the stored note plus what it means in the reader's language.
 * @example versionSummary(v, "zh").noteText // "自动快照（继续编辑之前）"
 */
export function versionSummary(version: Pick<FlowVersion, "version" | "note" | "author" | "createdAt">, locale: Locale) {
  const described = describeVersionNote(version.note, locale);
  return { version: version.version, note: version.note, noteKind: described.kind, noteText: described.text, author: version.author, createdAt: version.createdAt };
}
