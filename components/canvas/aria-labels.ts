"use client";

import { useMemo } from "react";
import type { AriaLabelConfig } from "@xyflow/react";
import { useTranslations } from "next-intl";

/**
 * React Flow's own screen-reader texts and control labels (English by default) in the person's
 * language: the zoom and fit buttons, the mini map, and how to select and move nodes and edges.
 * @example <ReactFlow ariaLabelConfig={useFlowAriaLabels()} … />
 */
export function useFlowAriaLabels(): Partial<AriaLabelConfig> {
  const t = useTranslations("roughEdges.flowAria");
  return useMemo(
    () => ({
      "node.a11yDescription.default": t("node"),
      "node.a11yDescription.keyboardDisabled": t("nodeMovable"),
      "node.a11yDescription.ariaLiveMessage": ({ direction, x, y }: { direction: string; x: number; y: number }) => t("moved", { direction, x, y }),
      "edge.a11yDescription.default": t("edge"),
      "controls.ariaLabel": t("controls"),
      "controls.zoomIn.ariaLabel": t("zoomIn"),
      "controls.zoomOut.ariaLabel": t("zoomOut"),
      "controls.fitView.ariaLabel": t("fitView"),
      "controls.interactive.ariaLabel": t("interactive"),
      "minimap.ariaLabel": t("minimap"),
      "handle.ariaLabel": t("handle"),
    }),
    [t],
  );
}
