"use client";

import "@xyflow/react/dist/style.css";
import { Background, Controls, Handle, Position, ReactFlow, type NodeProps, type NodeTypes } from "@xyflow/react";
import { memo, useMemo } from "react";
import { useTranslations } from "next-intl";
import type { FlowDiff } from "@/lib/flow/diff";
import type { FlowDocument, FlowNode } from "@/lib/flow/schema";
import { useFlowAriaLabels } from "@/components/canvas/aria-labels";
import { diffGraph, type DiffCanvasNode, type DiffStatus } from "./diff-graph";

export type FlowDiffLabels = Record<DiffStatus | "moved", string>;

/** One node of the compare canvas: its name, its type, and a badge saying what happened to it. */
const DiffNode = memo(function DiffNode({ id, data }: NodeProps<DiffCanvasNode>) {
  const badge = data.labels?.[data.status];
  return (
    <div className={`diff-node ${data.status}`} data-testid="diff-node" data-status={data.status} data-node-id={id.replace(/^removed:/, "")}>
      <Handle type="target" position={Position.Left} isConnectable={false} />
      <div className="diff-node-title">{data.title}</div>
      <div className="diff-node-type">{data.typeName}</div>
      {data.status !== "unchanged" || data.moved ? (
        <span className="diff-node-badge">
          {data.status === "unchanged" ? data.labels?.moved : badge}
          {data.status === "changed" && data.changes > 0 ? ` · ${data.changes}` : ""}
        </span>
      ) : null}
      <Handle type="source" position={Position.Right} isConnectable={false} />
    </div>
  );
});

// Defined once at module scope: a new object per render would remount every node.
const nodeTypes: NodeTypes = { diff: DiffNode };

/**
 * A read-only canvas of a comparison: the newer flow with added nodes green and changed ones
 * amber, and the nodes it removed drawn from the older flow, red and dashed.
 * @example <FlowDiffCanvas from={a} to={b} diff={diff} title={(n) => n.label ?? n.type} typeName={(t) => t} labels={labels} />
 */
export function FlowDiffCanvas(props: {
  from: FlowDocument;
  to: FlowDocument;
  diff: FlowDiff;
  title: (node: FlowNode) => string;
  typeName: (type: string) => string;
  labels: FlowDiffLabels;
  ariaLabel?: string;
}) {
  const { from, to, diff, title, typeName, labels, ariaLabel } = props;
  const ariaLabels = useFlowAriaLabels();
  const t = useTranslations("roughEdges.flowAria");
  const graph = useMemo(() => {
    const built = diffGraph(from, to, diff, title, typeName);
    const names = new Map(built.nodes.map((n) => [n.id, n.data.title]));
    const edges = built.edges.map((e) => ({ ...e, ariaLabel: t("edgeLabel", { from: names.get(e.source) ?? e.source, to: names.get(e.target) ?? e.target }) }));
    return { nodes: built.nodes.map((node) => ({ ...node, data: { ...node.data, labels } })), edges };
  }, [from, to, diff, title, typeName, labels, t]);
  return (
    <div className="diff-canvas" data-testid="diff-canvas" aria-label={ariaLabel}>
      <ReactFlow
        nodes={graph.nodes}
        edges={graph.edges}
        nodeTypes={nodeTypes}
        fitView
        fitViewOptions={{ padding: 0.15 }}
        nodesDraggable={false}
        nodesConnectable={false}
        elementsSelectable={false}
        zoomOnScroll={false}
        proOptions={{ hideAttribution: true }}
        minZoom={0.2}
        ariaLabelConfig={ariaLabels}
      >
        <Background gap={16} />
        <Controls showInteractive={false} />
      </ReactFlow>
    </div>
  );
}
