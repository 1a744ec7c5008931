"use client";

import { useTranslations } from "next-intl";
import type { StreamedRunEvent } from "@/lib/client/run-stream";
import type { Locale } from "@/lib/i18n/locale";
import { nodeLabel } from "./node-summary";

export interface TraceStep {
  nodeId: string;
  status: "running" | "succeeded" | "failed" | "skipped";
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
  error?: { code: string; message: string };
  durationMs?: number;
  partial?: string;
}

/** Folds one run event into the list of steps shown in the trace (pure, so it is easy to test). */
export function applyTraceEvent(steps: TraceStep[], ev: StreamedRunEvent): TraceStep[] {
  const upsert = (nodeId: string, patch: Partial<TraceStep>) => {
    const at = steps.findIndex((s) => s.nodeId === nodeId);
    if (at < 0) return [...steps, { nodeId, status: "running", ...patch } as TraceStep];
    const next = steps.slice();
    next[at] = { ...next[at], ...patch };
    return next;
  };
  switch (ev.type) {
    case "node-started":
      return upsert(ev.nodeId, { status: "running", inputs: ev.inputs });
    case "token":
      return upsert(ev.nodeId, { partial: (steps.find((s) => s.nodeId === ev.nodeId)?.partial ?? "") + ev.text });
    case "node-finished":
      return upsert(ev.nodeId, { status: "succeeded", outputs: ev.outputs, durationMs: ev.durationMs });
    case "node-failed":
      return upsert(ev.nodeId, { status: "failed", error: ev.error, durationMs: ev.durationMs });
    case "node-skipped":
      return upsert(ev.nodeId, { status: "skipped" });
    default:
      return steps;
  }
}

function preview(value: unknown): string {
  const text = typeof value === "string" ? value : JSON.stringify(value, null, 2);
  return text.length > 2000 ? `${text.slice(0, 2000)}…` : text;
}

export function TraceView({ steps, locale, typeOf }: { steps: TraceStep[]; locale: Locale; typeOf: (id: string) => string }) {
  const t = useTranslations("test");
  if (!steps.length) return <p className="muted small">{t("noTrace")}</p>;
  return (
    <ol className="trace" data-testid="trace">
      {steps.map((step) => (
        <li key={step.nodeId} className={`step ${step.status}`} data-testid="trace-step" data-status={step.status}>
          <details>
            <summary>
              <span className="dot" aria-hidden />
              <strong>{nodeLabel(typeOf(step.nodeId), locale)}</strong> <code className="muted">{step.nodeId}</code>
              <span className="status">{t(`status.${step.status}`)}</span>
              {step.durationMs !== undefined ? <span className="muted small">{t("duration", { ms: step.durationMs.toFixed(1) })}</span> : null}
            </summary>
            {step.inputs ? (
              <>
                <h4>{t("inputsLabel")}</h4>
                <pre>{preview(step.inputs)}</pre>
              </>
            ) : null}
            {step.outputs || step.partial ? (
              <>
                <h4>{t("outputsLabel")}</h4>
                <pre>{preview(step.outputs ?? step.partial)}</pre>
              </>
            ) : null}
            {step.error ? (
              <>
                <h4>{t("errorLabel")}</h4>
                <pre className="error">{step.error.message}</pre>
              </>
            ) : null}
          </details>
        </li>
      ))}
    </ol>
  );
}
