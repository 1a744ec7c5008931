import type { FlowDocument } from "@/lib/flow/schema";

/**
 * Unsaved canvas edits kept in this browser (localStorage) while they cannot reach the server —
 * autosave blocked by a problem, still pending, or the server away — one entry per flow and the
 * revision the edits started from, so a draft is only ever put back onto the version it was made on.
 */
export interface LocalDraft {
  graph: FlowDocument;
  savedAt: number;
}

const PREFIX = "trellis:draft:";
const keyOf = (flowId: string, revision: number) => `${PREFIX}${flowId}:${revision}`;

function storage(): Storage | null {
  try {
    return typeof window === "undefined" ? null : window.localStorage;
  } catch {
    return null;
  }
}

/** @example writeDraft("f1", 3, doc) */
export function writeDraft(flowId: string, revision: number, graph: FlowDocument): void {
  try {
    storage()?.setItem(keyOf(flowId, revision), JSON.stringify({ graph, savedAt: Date.now() } satisfies LocalDraft));
  } catch {
    // Storage full or refused (private mode): the leave warning still protects the edits.
  }
}

/** The draft made on this revision, if any. @example readDraft("f1", 3)?.graph */
export function readDraft(flowId: string, revision: number): LocalDraft | null {
  const raw = storage()?.getItem(keyOf(flowId, revision));
  if (!raw) return null;
  try {
    const parsed = JSON.parse(raw) as LocalDraft;
    return parsed && typeof parsed === "object" && parsed.graph ? parsed : null;
  } catch {
    return null;
  }
}

/** Forgets every draft of the flow (once the server holds its edits, or they were discarded). */
export function clearDrafts(flowId: string): void {
  const store = storage();
  if (!store) return;
  const stale: string[] = [];
  for (let i = 0; i < store.length; i++) {
    const key = store.key(i);
    if (key?.startsWith(`${PREFIX}${flowId}:`)) stale.push(key);
  }
  for (const key of stale) store.removeItem(key);
}
