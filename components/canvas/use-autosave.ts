"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import { toDocument } from "@/lib/canvas/convert";
import { validateFlow } from "@/lib/flow/validate";
import type { Locale } from "@/lib/i18n/locale";
import { nodeRegistry } from "@/nodes";
import { clearDrafts, readDraft, writeDraft } from "./local-draft";
import { useCanvas, useCanvasStore } from "./store-context";

const DEBOUNCE_MS = 800;

export type SaveStatus =
  | { kind: "saved" }
  | { kind: "dirty" }
  | { kind: "saving" }
  | { kind: "invalid"; count: number }
  | { kind: "conflict" }
  | { kind: "error"; message: string };

export interface Autosave {
  status: SaveStatus;
  revision: number;
  /** Saves now (cancelling the pending timer); true when the server holds what is on the canvas. */
  saveNow(): Promise<boolean>;
  /** After a conflict: load what the other tab saved, dropping local edits (download them first). */
  reloadFromServer(): Promise<void>;
  /** Whether the canvas holds edits the server does not have. */
  unsaved(): boolean;
  /** When the page opened on a draft this browser kept (see local-draft.ts): when it was written. */
  restoredDraftAt: number | null;
  /** Drops the restored draft and goes back to what the server holds. */
  discardDraft(): Promise<void>;
}

/**
 * Saves the canvas ~800 ms after the last change with PATCH + expectedRevision. An invalid flow
 * is not sent (the server would refuse it) and stays editable; a stale revision (409) stops
 * autosave and reports a conflict rather than overwriting another tab's work. With `readOnly`
 * (a viewer) nothing is ever sent: `saveNow` only answers whether the canvas still is what the
 * server holds, which a read-only store keeps true.
 * @example const { status, saveNow } = useAutosave(flow.id, flow.revision, locale);
 */
export function useAutosave(flowId: string, initialRevision: number, locale: Locale, { readOnly = false }: { readOnly?: boolean } = {}): Autosave {
  const store = useCanvasStore();
  const changeCount = useCanvas((s) => s.changeCount);
  const [status, setStatus] = useState<SaveStatus>({ kind: "saved" });
  const [revision, setRevision] = useState(initialRevision);
  const revisionRef = useRef(initialRevision);
  const savedCount = useRef(0);
  const inflight = useRef<Promise<boolean> | null>(null);
  const conflict = useRef(false);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const [restoredDraftAt, setRestoredDraftAt] = useState<number | null>(null);

  // Edits that could not be saved when the page was left come back from this browser: put
  // onto the canvas they were made on (same revision), which autosave then tries to save again.
  useEffect(() => {
    if (readOnly) return;
    const draft = readDraft(flowId, initialRevision);
    if (!draft) return;
    store.getState().reset(draft.graph);
    setRestoredDraftAt(draft.savedAt);
  }, [flowId, initialRevision, readOnly, store]);

  // While edits are unsaved, this browser keeps them, so leaving (even by the back button,
  // which no page can veto) loses nothing.
  useEffect(() => {
    if (readOnly || changeCount === savedCount.current) return;
    const { nodes, edges } = store.getState();
    writeDraft(flowId, revisionRef.current, toDocument(nodes, edges));
  }, [changeCount, flowId, readOnly, store]);

  const save = useCallback(async (): Promise<boolean> => {
    if (conflict.current) return false;
    if (inflight.current) await inflight.current;
    const { nodes, edges, changeCount: count } = store.getState();
    if (count === savedCount.current) return true;
    if (readOnly) return false;
    const doc = toDocument(nodes, edges);
    const local = validateFlow(doc, nodeRegistry, locale);
    if (!local.ok) {
      setStatus({ kind: "invalid", count: local.problems.length });
      return false;
    }
    setStatus({ kind: "saving" });
    const run = (async () => {
      try {
        const res = await fetch(`/api/v1/flows/${encodeURIComponent(flowId)}`, {
          method: "PATCH",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ graph: doc, expectedRevision: revisionRef.current }),
        });
        const body = await res.json().catch(() => null);
        if (res.status === 409) {
          conflict.current = true;
          setStatus({ kind: "conflict" });
          return false;
        }
        if (res.status === 400 && Array.isArray(body?.error?.details?.problems)) {
          setStatus({ kind: "invalid", count: body.error.details.problems.length });
          return false;
        }
        if (!res.ok) {
          setStatus({ kind: "error", message: body?.error?.message ?? `HTTP ${res.status}` });
          return false;
        }
        revisionRef.current = body.flow.revision;
        setRevision(body.flow.revision);
        savedCount.current = count;
        const current = store.getState().changeCount;
        if (current === count) clearDrafts(flowId);
        setStatus(current === count ? { kind: "saved" } : { kind: "dirty" });
        return current === count;
      } catch (error) {
        setStatus({ kind: "error", message: (error as Error).message });
        return false;
      }
    })();
    inflight.current = run;
    try {
      return await run;
    } finally {
      inflight.current = null;
    }
  }, [flowId, locale, readOnly, store]);

  useEffect(() => {
    if (readOnly || changeCount === savedCount.current || conflict.current) return;
    setStatus((s) => (s.kind === "saving" ? s : { kind: "dirty" }));
    clearTimeout(timer.current);
    timer.current = setTimeout(() => void save(), DEBOUNCE_MS);
    return () => clearTimeout(timer.current);
  }, [changeCount, readOnly, save]);

  useEffect(() => {
    const warn = (event: BeforeUnloadEvent) => {
      if (!readOnly && store.getState().changeCount !== savedCount.current) event.preventDefault();
    };
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [readOnly, store]);

  const saveNow = useCallback(async () => {
    clearTimeout(timer.current);
    return save();
  }, [save]);

  const reloadFromServer = useCallback(async () => {
    const res = await fetch(`/api/v1/flows/${encodeURIComponent(flowId)}`);
    const body = await res.json().catch(() => null);
    if (!res.ok || !body?.flow) {
      setStatus({ kind: "error", message: body?.error?.message ?? `HTTP ${res.status}` });
      return;
    }
    store.getState().reset(body.flow.graph);
    savedCount.current = store.getState().changeCount;
    revisionRef.current = body.flow.revision;
    setRevision(body.flow.revision);
    conflict.current = false;
    setStatus({ kind: "saved" });
  }, [flowId, store]);

  const unsaved = useCallback(() => !readOnly && !conflict.current && store.getState().changeCount !== savedCount.current, [readOnly, store]);

  const discardDraft = useCallback(async () => {
    clearDrafts(flowId);
    setRestoredDraftAt(null);
    await reloadFromServer();
  }, [flowId, reloadFromServer]);

  return { status, revision, saveNow, reloadFromServer, unsaved, restoredDraftAt, discardDraft };
}
