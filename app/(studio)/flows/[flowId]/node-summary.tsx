"use client";

import { useTranslations } from "next-intl";
import type { FlowDocument } from "@/lib/flow/schema";
import type { Locale } from "@/lib/i18n/locale";
import { portsOf } from "@/nodes/define";
import { nodeRegistry } from "@/nodes";

/** Node type label in the person's language, falling back to the raw type for unknown ones. */
export function nodeLabel(type: string, locale: Locale): string {
  const def = (nodeRegistry as Record<string, (typeof nodeRegistry)[keyof typeof nodeRegistry]>)[type];
  return def ? def.ui.label[locale] : type;
}

/** A read-only list of the flow's nodes with their ports, in the order the person wired them. */
export function NodeSummary({ graph, locale }: { graph: FlowDocument; locale: Locale }) {
  const t = useTranslations("flow");
  return (
    <ol className="node-list" data-testid="node-list">
      {graph.nodes.map((node) => {
        const def = (nodeRegistry as Record<string, (typeof nodeRegistry)[keyof typeof nodeRegistry]>)[node.type];
        const parsed = def?.config.safeParse(node.data);
        const ports = def && parsed?.success ? portsOf(def, parsed.data) : { inputs: {}, outputs: {} };
        return (
          <li key={node.id} className="node-chip">
            <strong>{node.label ?? nodeLabel(node.type, locale)}</strong> <code className="muted">{node.id}</code>
            <span className="ports">
              {t("inputs")}: {Object.keys(ports.inputs).join(", ") || "—"} · {t("outputs")}: {Object.keys(ports.outputs).join(", ") || "—"}
            </span>
          </li>
        );
      })}
    </ol>
  );
}
