"use client";

import { useMemo, useRef } from "react";
import { useLocale, useTranslations } from "next-intl";
import { checkConnection } from "@/lib/canvas/connect";
import { upstreamVariablesKey, type UpstreamVariable } from "@/lib/canvas/variables";
import { isLocale } from "@/lib/i18n/locale";
import { templateVariables } from "@/nodes/template-text";
import { useCanvas, useCanvasStore } from "./store-context";

/**
 * A prompt/template editor: a textarea plus the `{{variables}}` available upstream. Inserting
 * one writes `{{name}}` at the cursor and, when the new input is free, wires it to the node
 * that provides the value, so the prompt works without a separate connecting step.
 */
export function PromptField({ nodeId, templated, value, onChange, ...common }: { id: string; "aria-invalid"?: boolean; "data-testid"?: string; nodeId: string; templated: boolean; value: string; onChange: (v: string) => void }) {
  const t = useTranslations("settings");
  const tag = useLocale();
  const locale = isLocale(tag) ? tag : "en";
  const store = useCanvasStore();
  const ref = useRef<HTMLTextAreaElement>(null);
  // A string key keeps this from re-rendering while nodes are dragged (positions do not matter
  // here), and the memoized selector keeps it from re-walking the graph on every drag frame.
  const select = useMemo(() => upstreamVariablesKey(nodeId, locale), [nodeId, locale]);
  const key = useCanvas((s) => select(s.nodes, s.edges));
  const variables = useMemo(() => JSON.parse(key) as UpstreamVariable[], [key]);
  const used = new Set(templateVariables(value));

  function insert(variable: UpstreamVariable) {
    const area = ref.current;
    const start = area?.selectionStart ?? value.length;
    const end = area?.selectionEnd ?? value.length;
    const token = `{{${variable.port}}}`;
    onChange(value.slice(0, start) + token + value.slice(end));
    const state = store.getState();
    const connection = { source: variable.nodeId, sourceHandle: variable.port, target: nodeId, targetHandle: variable.port };
    if (checkConnection(state.nodes, state.edges, connection).ok) state.onConnect(connection);
    requestAnimationFrame(() => {
      area?.focus();
      area?.setSelectionRange(start + token.length, start + token.length);
    });
  }

  return (
    <div className="prompt-field">
      <textarea {...common} ref={ref} rows={6} value={value} onChange={(e) => onChange(e.target.value)} spellCheck={false} />
      {!templated ? null : variables.length ? (
        <div className="variables" data-testid="variables">
          <span className="help">{t("insertVariable")}</span>
          {variables.map((v) => (
            <button type="button" key={`${v.nodeId}:${v.port}`} className={`var-chip${used.has(v.port) ? " used" : ""}`} title={`${v.nodeName} → ${v.label}`} onClick={() => insert(v)}>
              {`{{${v.port}}}`} <span className="muted">{v.nodeName}</span>
            </button>
          ))}
        </div>
      ) : (
        <p className="help">{t("noVariables")}</p>
      )}
    </div>
  );
}
