"use client";

import { useLocale, useTranslations } from "next-intl";
import { useCallback, useMemo } from "react";
import { FlowDiffCanvas } from "@/components/flow-diff/flow-diff-canvas";
import type { FlowDiff } from "@/lib/flow/diff";
import type { DiffLine } from "@/lib/flow/diff-text";
import type { FlowDocument, FlowNode } from "@/lib/flow/schema";
import { getNodeDef } from "@/nodes";

/** What GET …/versions/compare answers. */
export interface Comparison {
  from: { ref: string; version: number | null; graph: FlowDocument };
  to: { ref: string; version: number | null; graph: FlowDocument };
  diff: FlowDiff;
  lines: DiffLine[];
}

/** A comparison in words (one line per change) and on a read-only canvas coloured by change. */
export function CompareResult({ comparison, fromName, toName }: { comparison: Comparison; fromName: string; toName: string }) {
  const t = useTranslations("versions");
  const locale = useLocale() === "zh" ? "zh" : "en";
  const typeName = useCallback((type: string) => getNodeDef(type)?.ui.label[locale] ?? type, [locale]);
  const title = useCallback((node: FlowNode) => node.label || typeName(node.type), [typeName]);
  const labels = useMemo(
    () => ({ added: t("legend.added"), removed: t("legend.removed"), changed: t("legend.changed"), unchanged: t("legend.unchanged"), moved: t("legend.moved") }),
    [t],
  );
  const changes = comparison.lines.filter((line) => line.kind !== "node-moved");
  const moves = comparison.lines.length - changes.length;
  return (
    <div className="compare-result" data-testid="compare-result">
      <h2>{t("compareTitle", { from: fromName, to: toName })}</h2>
      {changes.length === 0 ? (
        <p className="muted" data-testid="no-changes">
          {t("noChanges")}
        </p>
      ) : (
        <ul className="diff-lines" data-testid="diff-lines">
          {changes.map((line, i) => (
            <li key={i} className={`diff-line ${line.kind}`} data-kind={line.kind} data-node-id={line.nodeId}>
              {line.text}
            </li>
          ))}
        </ul>
      )}
      {moves > 0 ? <p className="muted small">{t("movedOnly", { count: moves })}</p> : null}
      <div className="diff-legend small" aria-hidden>
        <span className="swatch added" /> {labels.added} <span className="swatch changed" /> {labels.changed} <span className="swatch removed" /> {labels.removed}
      </div>
      <FlowDiffCanvas from={comparison.from.graph} to={comparison.to.graph} diff={comparison.diff} title={title} typeName={typeName} labels={labels} ariaLabel={t("canvasLabel")} />
    </div>
  );
}
