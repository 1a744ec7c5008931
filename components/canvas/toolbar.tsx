"use client";

import { useRef, useState } from "react";
import { useReactFlow } from "@xyflow/react";
import { useLocale, useTranslations } from "next-intl";
import { toDocument } from "@/lib/canvas/convert";
import { layoutPositions } from "@/lib/canvas/layout";
import { flowDocumentSchema } from "@/lib/flow/schema";
import { validateFlow } from "@/lib/flow/validate";
import { isLocale } from "@/lib/i18n/locale";
import { nodeRegistry } from "@/nodes";
import { downloadJson, fileNameFor } from "./download";
import { useCanvas, useCanvasAbilities, useCanvasStore } from "./store-context";
import type { SaveStatus } from "./use-autosave";
import { exportableFlow } from "@/lib/flow/export";

function SaveState({ status }: { status: SaveStatus }) {
  const t = useTranslations("canvas.save");
  const text =
    status.kind === "invalid" ? t("invalid", { count: status.count }) : status.kind === "error" ? t("error", { message: status.message }) : t(status.kind);
  return (
    <span className={`save-state ${status.kind}`} data-testid="save-state" data-state={status.kind} role="status">
      {text}
    </span>
  );
}

/** In place of the save state for someone who may not edit: nothing is saved, and the title says why. */
function ViewOnlyBadge() {
  const t = useTranslations("canvas");
  const roles = useTranslations("roles");
  return (
    <span className="view-only-badge" title={roles("viewOnly")} data-testid="view-only-badge">
      {t("viewOnly")}
    </span>
  );
}

/**
 * The studio's top bar: flow name, save state, undo/redo, auto-layout, fit, import/export and
 * the links to the version history and the publish page. A viewer sees a "View only" badge instead of the save state,
 * and only fit, export and versions.
 */
export function Toolbar({ flowId, name, status, onMessage }: { flowId: string; name: string; status: SaveStatus; onMessage: (m: { kind: "ok" | "error"; text: string; details?: string[] }) => void }) {
  const t = useTranslations("canvas");
  const tp = useTranslations("publish");
  const tag = useLocale();
  const locale = isLocale(tag) ? tag : "en";
  const store = useCanvasStore();
  const flow = useReactFlow();
  const abilities = useCanvasAbilities();
  const canUndo = useCanvas((s) => s.past.length > 0);
  const canRedo = useCanvas((s) => s.future.length > 0);
  const file = useRef<HTMLInputElement>(null);
  const [laying, setLaying] = useState(false);

  /** Downloads the flow without credential header values (C24), saying which were left out. */
  const exportFlow = () => {
    const { document, removed } = exportableFlow(toDocument(store.getState().nodes, store.getState().edges));
    downloadJson(fileNameFor(name), document);
    if (removed.length) onMessage({ kind: "ok", text: t("exportedWithoutSecrets", { count: removed.length }), details: removed });
  };

  async function autoLayout() {
    setLaying(true);
    try {
      const { nodes, edges } = store.getState();
      store.getState().setPositions(await layoutPositions(nodes, edges));
      requestAnimationFrame(() => void flow.fitView({ padding: 0.2, duration: 300 }));
    } catch (error) {
      onMessage({ kind: "error", text: t("layoutFailed", { message: (error as Error).message }) });
    } finally {
      setLaying(false);
    }
  }

  async function importFile(selected: File | undefined) {
    if (!selected) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(await selected.text());
    } catch (error) {
      onMessage({ kind: "error", text: t("importNotJson", { message: (error as Error).message }) });
      return;
    }
    const doc = flowDocumentSchema.safeParse(parsed);
    if (!doc.success) {
      const check = validateFlow(parsed, nodeRegistry, locale);
      onMessage({ kind: "error", text: t("importNotFlow"), details: check.ok ? [] : check.problems.map((p) => p.message) });
      return;
    }
    store.getState().replaceDocument(doc.data);
    const check = validateFlow(doc.data, nodeRegistry, locale);
    onMessage(check.ok ? { kind: "ok", text: t("imported") } : { kind: "error", text: t("importedWithProblems", { count: check.problems.length }), details: check.problems.map((p) => p.message) });
    requestAnimationFrame(() => void flow.fitView({ padding: 0.2 }));
  }

  return (
    <div className="studio-toolbar" role="toolbar" aria-label={t("toolbar")}>
      <h1 className="studio-title" data-testid="flow-name">
        {name}
      </h1>
      {abilities.edit ? <SaveState status={status} /> : <ViewOnlyBadge />}
      <span className="spacer" />
      {abilities.undo ? (
        <button type="button" onClick={() => store.getState().undo()} disabled={!canUndo} title={t("undoHint")} data-testid="undo">
          {t("undo")}
        </button>
      ) : null}
      {abilities.redo ? (
        <button type="button" onClick={() => store.getState().redo()} disabled={!canRedo} title={t("redoHint")} data-testid="redo">
          {t("redo")}
        </button>
      ) : null}
      {abilities.autoLayout ? (
        <button type="button" onClick={autoLayout} disabled={laying} data-testid="auto-layout">
          {t("autoLayout")}
        </button>
      ) : null}
      <button type="button" onClick={() => void flow.fitView({ padding: 0.2, duration: 300 })}>
        {t("fitView")}
      </button>
      {abilities.import ? (
        <>
          <button type="button" onClick={() => file.current?.click()} data-testid="import">
            {t("import")}
          </button>
          <input ref={file} type="file" accept="application/json,.json" hidden data-testid="import-file" onChange={(e) => (void importFile(e.target.files?.[0]), (e.target.value = ""))} />
        </>
      ) : null}
      <button type="button" onClick={exportFlow} data-testid="export">
        {t("export")}
      </button>
      <a className="button" href={`/flows/${encodeURIComponent(flowId)}/versions`} data-testid="versions-link">
        {t("versions")}
      </a>
      <a className="button" href={`/flows/${encodeURIComponent(flowId)}/publish`} data-testid="publish-link">
        {tp("link")}
      </a>
    </div>
  );
}
