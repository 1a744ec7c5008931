"use client";

import { useState } from "react";
import { useLocale, useTranslations } from "next-intl";
import { kindNames } from "@/lib/flow/messages";
import { nodePorts } from "@/lib/canvas/ports";
import type { PortMap } from "@/nodes/define";
import { useCanvas } from "./store-context";

type Result = { outputs?: Record<string, unknown>; durationMs?: number; error?: string };

function sample(value: unknown): string {
  if (value === undefined) return "";
  return typeof value === "string" ? value : JSON.stringify(value, null, 2);
}

/** Reads one sample input: JSON when it parses; plain text for text-like ports. */
function parseSample(raw: string, kind: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(raw) };
  } catch {
    return kind === "text" || kind === "any" || kind === "json" ? { ok: true, value: raw } : { ok: false };
  }
}

/**
 * "Run this node": sample inputs per input port (pre-filled from the last run) sent with the
 * node's current settings to POST /api/v1/flows/:flowId/nodes/:nodeId/run, and its outputs,
 * duration or error shown, without running the whole flow.
 */
export function RunNode({ flowId, nodeId, type, config }: { flowId: string; nodeId: string; type: string; config: Record<string, unknown> }) {
  const locale = useLocale() === "zh" ? "zh" : "en";
  const t = useTranslations("settings");
  const inputs: PortMap = nodePorts(type, config).inputs;
  const recorded = useCanvas((s) => s.trace.find((step) => step.nodeId === nodeId)?.inputs);
  const [drafts, setDrafts] = useState<Record<string, string>>({});
  const [bad, setBad] = useState<string[]>([]);
  const [result, setResult] = useState<Result | null>(null);
  const [busy, setBusy] = useState(false);
  const valueOf = (port: string) => drafts[port] ?? sample(recorded?.[port]);

  async function run() {
    const values: Record<string, unknown> = {};
    const wrong: string[] = [];
    for (const [port, spec] of Object.entries(inputs)) {
      const raw = valueOf(port);
      if (raw.trim() === "") continue;
      const parsed = parseSample(raw, spec.kind);
      if (parsed.ok) values[port] = parsed.value;
      else wrong.push(port);
    }
    setBad(wrong);
    if (wrong.length) return;
    setBusy(true);
    setResult(null);
    try {
      const res = await fetch(`/api/v1/flows/${encodeURIComponent(flowId)}/nodes/${encodeURIComponent(nodeId)}/run`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ inputs: values, settings: config }),
      });
      const body = await res.json().catch(() => null);
      if (res.status === 404 && !body?.error) setResult({ error: t("runNodeUnavailable") });
      else if (!res.ok) setResult({ error: body?.error?.message ?? `HTTP ${res.status}` });
      else setResult({ outputs: body.outputs, durationMs: body.durationMs, error: typeof body.error === "string" ? body.error : body.error?.message });
    } catch (error) {
      setResult({ error: (error as Error).message });
    } finally {
      setBusy(false);
    }
  }

  return (
    <details className="run-node" data-testid="run-node">
      <summary>{t("runNode")}</summary>
      <p className="help">{recorded ? t("runNodePrefilled") : t("runNodeHelp")}</p>
      {Object.entries(inputs).map(([port, spec]) => (
        <label key={port} className="field">
          <span>
            {spec.label?.[locale] || port} <span className="muted small">{locale === "zh" ? `（${kindNames[spec.kind].zh}）` : `(${kindNames[spec.kind].en})`}</span>
          </span>
          <textarea className="code" rows={2} value={valueOf(port)} aria-invalid={bad.includes(port) || undefined} onChange={(e) => setDrafts({ ...drafts, [port]: e.target.value })} data-testid={`sample-${port}`} />
          {bad.includes(port) ? <span className="field-errors">{t("sampleNotJson")}</span> : null}
        </label>
      ))}
      <button type="button" className="primary" onClick={run} disabled={busy} data-testid="run-node-button">
        {busy ? t("running") : t("runNodeButton")}
      </button>
      {result ? (
        <div className="run-node-result" data-testid="run-node-result">
          {result.error ? <pre className="error">{result.error}</pre> : null}
          {result.outputs ? (
            <>
              <h4>
                {t("outputs")} {result.durationMs !== undefined ? <span className="muted">· {t("duration", { ms: result.durationMs.toFixed(1) })}</span> : null}
              </h4>
              <pre>{JSON.stringify(result.outputs, null, 2)}</pre>
            </>
          ) : null}
        </div>
      ) : null}
    </details>
  );
}
