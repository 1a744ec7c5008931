"use client";

import { useState } from "react";
import { useLocale, useTranslations } from "next-intl";
import type { FlowDocument } from "@/lib/flow/schema";
import { isLocale } from "@/lib/i18n/locale";
import { NodeSummary } from "./node-summary";
import { TestPanel } from "./test-panel";

interface Problem {
  code: string;
  nodeId?: string;
  field?: string;
  message: string;
}

export interface WorkbenchFlow {
  id: string;
  name: string;
  revision: number;
  graph: FlowDocument;
}

/** The flow's page until the canvas lands: its nodes, its JSON document with checked saving, and the test panel. */
export function FlowWorkbench({ flow }: { flow: WorkbenchFlow }) {
  const t = useTranslations("flow");
  const localeTag = useLocale();
  const locale = isLocale(localeTag) ? localeTag : "en";
  const [graph, setGraph] = useState(flow.graph);
  const [text, setText] = useState(() => JSON.stringify(flow.graph, null, 2));
  const [revision, setRevision] = useState(flow.revision);
  const [state, setState] = useState<{ kind: "idle" | "saving" | "saved" | "conflict" } | { kind: "error"; message: string; problems?: Problem[] }>({ kind: "idle" });

  async function save() {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      setState({ kind: "error", message: t("invalidJson", { message: (error as Error).message }) });
      return;
    }
    setState({ kind: "saving" });
    const res = await fetch(`/api/v1/flows/${flow.id}`, {
      method: "PATCH",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ graph: parsed, expectedRevision: revision }),
    });
    const body = await res.json().catch(() => null);
    if (res.status === 409) return setState({ kind: "conflict" });
    if (!res.ok) return setState({ kind: "error", message: body?.error?.message ?? String(res.status), problems: body?.error?.details?.problems });
    setRevision(body.flow.revision);
    setGraph(body.flow.graph);
    setState({ kind: "saved" });
  }

  return (
    <div className="workbench">
      <div className="workbench-main">
        <h1 data-testid="flow-name">{flow.name}</h1>
        <h2>{t("nodes")}</h2>
        <NodeSummary graph={graph} locale={locale} />
        <h2>{t("document")}</h2>
        <p className="muted small">{t("documentHelp")}</p>
        <textarea className="code" spellCheck={false} value={text} onChange={(e) => setText(e.target.value)} aria-label={t("document")} data-testid="flow-json" rows={18} />
        <div className="row">
          <button type="button" className="primary" onClick={save} disabled={state.kind === "saving"} data-testid="save-flow">
            {state.kind === "saving" ? t("saving") : t("save")}
          </button>
          {state.kind === "saved" ? <span className="ok">{t("saved", { revision })}</span> : null}
          {state.kind === "conflict" ? (
            <span className="error">
              {t("conflict")}{" "}
              <button type="button" className="ghost" onClick={() => window.location.reload()}>
                {t("reload")}
              </button>
            </span>
          ) : null}
        </div>
        {state.kind === "error" ? (
          <div className="problems" role="alert" data-testid="flow-problems">
            <p className="error">{state.message}</p>
            {state.problems?.length ? (
              <>
                <h3>{t("problems")}</h3>
                <ul>
                  {state.problems.map((problem, i) => (
                    <li key={i}>
                      {problem.nodeId ? <code>{problem.nodeId}</code> : null} {problem.field ? <code>{problem.field}</code> : null} {problem.message}
                    </li>
                  ))}
                </ul>
              </>
            ) : null}
          </div>
        ) : null}
      </div>
      <TestPanel flowId={flow.id} graph={graph} locale={locale} />
    </div>
  );
}
