"use client";

import "@xyflow/react/dist/style.css";
import { useCallback, useMemo, useRef, useState } from "react";
import { ReactFlowProvider, useReactFlow } from "@xyflow/react";
import { useLocale, useTranslations } from "next-intl";
import { Checklist } from "@/components/canvas/checklist";
import { downloadJson, fileNameFor } from "@/components/canvas/download";
import { FlowCanvas } from "@/components/canvas/flow-canvas";
import { Palette } from "@/components/canvas/palette";
import { RefusalToast } from "@/components/canvas/refusal-toast";
import { SettingsPanel } from "@/components/canvas/settings-panel";
import { CanvasStoreProvider, useCanvas, useCanvasAbilities, useCanvasStore } from "@/components/canvas/store-context";
import { Toolbar } from "@/components/canvas/toolbar";
import { useAutosave } from "@/components/canvas/use-autosave";
import { useLeaveGuard } from "@/components/canvas/use-leave-guard";
import { useLiveValidation } from "@/components/canvas/use-validation";
import { useRole } from "@/components/role-context";
import { canvasAbilities } from "@/lib/canvas/abilities";
import { toDocument } from "@/lib/canvas/convert";
import { isNote } from "@/lib/canvas/types";
import type { FlowDocument } from "@/lib/flow/schema";
import { isLocale } from "@/lib/i18n/locale";
import { nodeLabel } from "./node-summary";
import { TestPanel } from "./test-panel";

export interface StudioFlow {
  id: string;
  name: string;
  revision: number;
  graph: FlowDocument;
}

type Tab = "settings" | "checklist" | "test";
type Message = { kind: "ok" | "error"; text: string; details?: string[] };

/**
 * The flow studio: palette, canvas, and a side panel with settings, checklist and the test chat.
 * The role is read here, once: a viewer gets a read-only canvas (no palette, dragging, connecting,
 * deleting or settings edits, and nothing is ever saved) but keeps the checklist, the test chat,
 * "run this node", export and the versions page.
 */
export function Studio({ flow }: { flow: StudioFlow }) {
  const role = useRole();
  const abilities = useMemo(() => canvasAbilities(role), [role]);
  return (
    <CanvasStoreProvider initial={flow.graph} abilities={abilities}>
      <ReactFlowProvider>
        <StudioLayout flow={flow} />
      </ReactFlowProvider>
    </CanvasStoreProvider>
  );
}

function StudioLayout({ flow }: { flow: StudioFlow }) {
  const t = useTranslations("canvas");
  const tc = useTranslations("checklist");
  const tag = useLocale();
  const locale = isLocale(tag) ? tag : "en";
  const store = useCanvasStore();
  const reactFlow = useReactFlow();
  const abilities = useCanvasAbilities();
  const [tab, setTab] = useState<Tab>("test");
  const [message, setMessage] = useState<Message | null>(null);
  useLiveValidation(locale);
  const save = useAutosave(flow.id, flow.revision, locale, { readOnly: !abilities.edit });
  const problemCount = useCanvas((s) => s.problems.length);
  const tr = useTranslations("roughEdges");
  const statusRef = useRef(save.status);
  statusRef.current = save.status;
  useLeaveGuard({
    unsaved: save.unsaved,
    blocked: useCallback(() => statusRef.current.kind === "invalid" || statusRef.current.kind === "error", []),
    saveNow: save.saveNow,
    message: useCallback(() => (statusRef.current.kind === "invalid" ? tr("leaveBlocked", { count: statusRef.current.count }) : tr("leaveUnsaved")), [tr]),
  });

  const nameOf = useCallback(
    (id: string) => {
      const node = store.getState().nodes.find((n) => n.id === id);
      if (!node || isNote(node)) return id;
      return node.data.label || nodeLabel(node.type ?? id, locale);
    },
    [locale, store],
  );

  const focusNode = useCallback(
    (id: string) => {
      store.getState().selectNode(id);
      void reactFlow.fitView({ nodes: [{ id }], duration: 300, maxZoom: 1.2 });
    },
    [reactFlow, store],
  );

  const prepare = useCallback(async () => {
    if (await save.saveNow()) return null;
    const problems = store.getState().problems.length;
    return problems ? t("runBlocked", { count: problems }) : t("runNotSaved");
  }, [save, store, t]);

  const tabs: { id: Tab; label: string }[] = [
    { id: "settings", label: t("tabs.settings") },
    { id: "checklist", label: problemCount ? `${t("tabs.checklist")} (${problemCount})` : t("tabs.checklist") },
    { id: "test", label: t("tabs.test") },
  ];

  return (
    <div className={abilities.edit ? "studio" : "studio view-only"} data-testid="studio">
      <Toolbar flowId={flow.id} name={flow.name} status={save.status} onMessage={setMessage} />
      {save.status.kind === "conflict" ? (
        <div className="studio-banner error" role="alert" data-testid="conflict">
          <span>{t("conflict")}</span>
          <button type="button" onClick={() => downloadJson(fileNameFor(`${flow.name}-mine`), toDocument(store.getState().nodes, store.getState().edges))} data-testid="download-mine">
            {t("downloadMine")}
          </button>
          <button type="button" className="primary" onClick={() => void save.reloadFromServer()} data-testid="reload-theirs">
            {t("reloadTheirs")}
          </button>
        </div>
      ) : null}
      {save.restoredDraftAt && save.status.kind !== "saved" ? (
        <div className="studio-banner warn" role="status" data-testid="draft-restored">
          <span>{tr("draftRestored", { time: new Date(save.restoredDraftAt).toLocaleString(locale === "zh" ? "zh-CN" : "en") })}</span>
          <button type="button" onClick={() => void save.discardDraft()} data-testid="discard-draft">
            {tr("discardDraft")}
          </button>
        </div>
      ) : null}
      {message ? (
        <div className={`studio-banner ${message.kind}`} role="status" data-testid="studio-message">
          <span>{message.text}</span>
          {message.details?.length ? (
            <ul>
              {message.details.slice(0, 8).map((d, i) => (
                <li key={i}>{d}</li>
              ))}
            </ul>
          ) : null}
          <button type="button" className="ghost" onClick={() => setMessage(null)} aria-label={t("dismiss")}>
            ×
          </button>
        </div>
      ) : null}
      <div className="studio-body">
        {abilities.addNode ? <Palette /> : null}
        <div className="studio-canvas">
          <FlowCanvas onNodeOpened={() => setTab("settings")} />
          <RefusalToast />
        </div>
        <aside className="studio-side">
          <div className="tabs" role="tablist">
            {tabs.map(({ id, label }) => (
              <button key={id} type="button" role="tab" aria-selected={tab === id} className={`tab${tab === id ? " active" : ""}${id === "checklist" && problemCount ? " warn" : ""}`} onClick={() => setTab(id)} data-testid={`tab-${id}`}>
                {label}
              </button>
            ))}
          </div>
          <div className="tab-body" hidden={tab !== "settings"}>
            <SettingsPanel flowId={flow.id} />
          </div>
          <div className="tab-body" hidden={tab !== "checklist"}>
            <h2 className="sr-only">{tc("title")}</h2>
            <Checklist />
          </div>
          <div className="tab-body" hidden={tab !== "test"}>
            <TestPanel flowId={flow.id} prepare={prepare} nameOf={nameOf} onSelectNode={focusNode} />
          </div>
        </aside>
      </div>
    </div>
  );
}
