"use client";

import { useTranslations } from "next-intl";
import type { TraceStep } from "@/lib/canvas/trace";

export { applyTraceEvent, type TraceStep } from "@/lib/canvas/trace";

function preview(value: unknown): string {
  const text = typeof value === "string" ? value : JSON.stringify(value, null, 2);
  return text.length > 2000 ? `${text.slice(0, 2000)}…` : text;
}

/**
 * The last run, node by node: status, duration, inputs, outputs and error. Opening a step
 * selects its node on the canvas.
 */
export function TraceView({ steps, nameOf, onSelect }: { steps: TraceStep[]; nameOf: (id: string) => string; onSelect?: (nodeId: string) => void }) {
  const t = useTranslations("test");
  if (!steps.length) return <p className="muted small">{t("noTrace")}</p>;
  return (
    <ol className="trace" data-testid="trace">
      {steps.map((step) => (
        <li key={step.nodeId} className={`step ${step.status}`} data-testid="trace-step" data-status={step.status} data-node-id={step.nodeId}>
          <details>
            <summary onClick={() => onSelect?.(step.nodeId)}>
              <span className="dot" aria-hidden />
              <strong>{nameOf(step.nodeId)}</strong> <code className="muted">{step.nodeId}</code>
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
