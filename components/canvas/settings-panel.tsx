"use client";

import { useDeferredValue, useMemo } from "react";
import { useLocale, useTranslations } from "next-intl";
import { deriveFields } from "@/lib/canvas/schema-form";
import type { CanvasState } from "@/lib/canvas/store";
import { isNote, type FlowCanvasNode } from "@/lib/canvas/types";
import { secretPathsOf } from "@/lib/flow/secrets";
import type { FlowProblem } from "@/lib/flow/validate";
import { isLocale } from "@/lib/i18n/locale";
import { getNodeDef } from "@/nodes";
import { fieldErrors } from "./field-errors";
import { RunNode } from "./run-node";
import { FieldGroup } from "./schema-field";
import { useCanvas, useCanvasAbilities, useCanvasStore } from "./store-context";

const NO_PROBLEMS: FlowProblem[] = [];

/** The id of the one selected node, or null when none or several are selected. */
export function selectedNodeId(s: CanvasState): string | null {
  let found: string | null = null;
  for (const node of s.nodes) {
    if (!node.selected) continue;
    if (found) return null;
    found = node.id;
  }
  return found;
}

/**
 * Settings of the selected node, generated from its type's zod schema. A viewer sees the same
 * form with every control disabled (one disabled fieldset), and can still run the node.
 */
export function SettingsPanel({ flowId }: { flowId: string }) {
  const t = useTranslations("settings");
  // Deferred: selecting a node by starting to drag it must not build its form in the same frame
  // (a big form took tens of milliseconds out of the first drag frame); React renders it in between.
  const id = useDeferredValue(useCanvas(selectedNodeId));
  if (!id) return <p className="muted small panel-empty">{t("selectNode")}</p>;
  return <NodeSettings key={id} id={id} flowId={flowId} />;
}

function NodeSettings({ id, flowId }: { id: string; flowId: string }) {
  const t = useTranslations("settings");
  const tag = useLocale();
  const locale = isLocale(tag) ? tag : "en";
  const store = useCanvasStore();
  const abilities = useCanvasAbilities();
  // Type and data only: a new object while the node is dragged would re-render the form every frame.
  const type = useCanvas((s) => s.nodes.find((n) => n.id === id)?.type);
  const data = useCanvas((s) => s.nodes.find((n) => n.id === id)?.data);
  const note = useCanvas((s) => {
    const node = s.nodes.find((n) => n.id === id);
    return node ? isNote(node) : false;
  });
  const problems = useCanvas((s) => s.problemsByNode[id]) ?? NO_PROBLEMS;
  const def = type ? getNodeDef(type) : undefined;
  const fields = useMemo(() => (def ? deriveFields(def.config) : []), [def]);
  const errors = useMemo(() => fieldErrors(problems), [problems]);
  const config = (data as FlowCanvasNode["data"] | undefined)?.config;
  // Which settings are secrets depends on other settings (a header's name): worked out as they change.
  const secretPaths = useMemo(() => new Set(def && config ? secretPathsOf(def, config).map((p) => p.join(".")) : []), [def, config]);
  if (!type || !data) return null;
  if (note) return <p className="muted small panel-empty">{t("noteSelected")}</p>;
  const { config: settings, label } = data as FlowCanvasNode["data"];
  const general = [...(errors[""] ?? []), ...Object.entries(errors).filter(([path]) => path && !fields.some((f) => path === f.key || path.startsWith(`${f.key}.`))).flatMap(([, m]) => m)];

  return (
    <div className="settings" data-testid="settings-panel" data-node-id={id}>
      <div className="settings-head">
        <input
          className="rename"
          value={label ?? ""}
          placeholder={def?.ui.label[locale] ?? type}
          aria-label={t("rename")}
          disabled={!abilities.rename}
          onChange={(e) => store.getState().renameNode(id, e.target.value)}
          data-testid="rename-node"
        />
        <p className="help">
          {def ? def.ui.description[locale] : t("unknownType", { type })} · <code>{id}</code>
        </p>
      </div>
      {general.length ? (
        <ul className="field-errors node-problems" role="alert" data-testid="node-problems">
          {general.map((m, i) => (
            <li key={i}>{m}</li>
          ))}
        </ul>
      ) : null}
      {def ? (
        <form className="settings-form" onSubmit={(e) => e.preventDefault()}>
          {fields.length ? null : <p className="muted small">{t("noSettings")}</p>}
          <fieldset className="settings-fields" disabled={!abilities.editSettings} data-testid="settings-fields">
            <FieldGroup
              fields={fields}
              value={settings}
              path=""
              ctx={{ nodeId: id, errors, root: settings, templated: typeof def.inputs === "function", secretPaths }}
              onChange={(key, next) => store.getState().updateNodeConfig(id, { [key]: next })}
            />
          </fieldset>
        </form>
      ) : null}
      {def ? <RunNode flowId={flowId} nodeId={id} type={type} config={settings} /> : null}
    </div>
  );
}
