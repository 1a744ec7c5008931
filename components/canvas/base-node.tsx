"use client";

import { memo, useEffect, useMemo, useRef } from "react";
import { Handle, Position, useStore, useUpdateNodeInternals, type NodeProps, type ReactFlowState } from "@xyflow/react";
import { useLocale, useTranslations } from "next-intl";
import { nodePorts, kindColors } from "@/lib/canvas/ports";
import type { FlowCanvasNode } from "@/lib/canvas/types";
import { isLocale } from "@/lib/i18n/locale";
import { getNodeDef } from "@/nodes";
import type { PortMap } from "@/nodes/define";
import { useCanvas } from "./store-context";

/** Below this zoom the port names are unreadable: a node shows its title bar and bare handles. */
const COMPACT_BELOW_ZOOM = 0.5;
const zoomedOut = (s: ReactFlowState) => s.transform[2] < COMPACT_BELOW_ZOOM;

/**
 * The handles alone, without rows or names (zoomed out): each side's handles sit at the middle
 * of the node's edge, so edges still attach. They are plain elements with React Flow's handle
 * classes and data attributes, which is all its measuring reads: a full `Handle` subscribes to
 * the flow store, and hundreds of them re-checked on every drag frame were a large share of the
 * frame. At this zoom a handle is a few pixels wide; connecting is done zoomed in.
 */
const BareHandles = memo(function BareHandles({ nodeId, ports, side }: { nodeId: string; ports: PortMap; side: "in" | "out" }) {
  const position = side === "in" ? Position.Left : Position.Right;
  const kind = side === "in" ? "target" : "source";
  return (
    <>
      {Object.entries(ports).map(([name, spec]) => (
        <div
          key={name}
          className={`react-flow__handle react-flow__handle-${position} ${kind} chandle`}
          data-handleid={name}
          data-nodeid={nodeId}
          data-handlepos={position}
          style={{ background: kindColors[spec.kind] }}
          data-testid={`handle-${side}-${name}`}
        />
      ))}
    </>
  );
});

const PortRows = memo(function PortRows({ ports, side, locale }: { ports: PortMap; side: "in" | "out"; locale: "en" | "zh" }) {
  return (
    <div className={`cnode-ports ${side}`}>
      {Object.entries(ports).map(([name, spec]) => (
        <div key={name} className="cport" data-port={name} data-kind={spec.kind}>
          <Handle
            type={side === "in" ? "target" : "source"}
            position={side === "in" ? Position.Left : Position.Right}
            id={name}
            className="chandle"
            style={{ background: kindColors[spec.kind] }}
            data-testid={`handle-${side}-${name}`}
          />
          <span className="cport-name">
            {spec.label?.[locale] || name}
            {spec.required ? <span className="req">*</span> : null}
          </span>
        </div>
      ))}
    </div>
  );
});

/**
 * The one node component for every flow node type: title (the person's name for the node or
 * the type's label, in their language), ports as labelled handles coloured by kind, a problem
 * badge and the last run's status. Subscribes only to its own slice of the store, so dragging
 * one node never re-renders the others. Zoomed out below 50 % it draws only the title bar and
 * bare handles: with hundreds of nodes on screen that is a fraction of the DOM to style.
 */
export const BaseNode = memo(function BaseNode({ id, type, data, selected }: NodeProps<FlowCanvasNode>) {
  const tag = useLocale();
  const locale = isLocale(tag) ? tag : "en";
  const t = useTranslations("canvas");
  const def = getNodeDef(type);
  const ports = useMemo(() => nodePorts(type, data.config), [type, data.config]);
  const portKey = `${Object.keys(ports.inputs).join("|")}>${Object.keys(ports.outputs).join("|")}`;
  const updateInternals = useUpdateNodeInternals();
  // React Flow measures handles on mount by itself; re-measure only when the ports change later
  // (300 nodes each asking on mount would be 300 store updates).
  const lastPorts = useRef(portKey);
  useEffect(() => {
    if (lastPorts.current === portKey) return;
    lastPorts.current = portKey;
    updateInternals(id);
  }, [id, portKey, updateInternals]);
  const problemCount = useCanvas((s) => s.problemsByNode[id]?.length ?? 0);
  const firstProblem = useCanvas((s) => s.problemsByNode[id]?.[0]?.message);
  const status = useCanvas((s) => s.trace.find((step) => step.nodeId === id)?.status);
  const highlighted = useCanvas((s) => s.highlighted === id);
  const compact = useStore(zoomedOut);
  const title = data.label || def?.ui.label[locale] || type;
  const classes = ["cnode", compact ? "compact" : "", `cat-${def?.ui.category ?? "unknown"}`, selected ? "selected" : "", highlighted ? "highlighted" : "", status ? `run-${status}` : "", problemCount ? "has-problems" : ""];
  return (
    <div className={classes.join(" ")} data-testid="canvas-node" data-node-id={id} data-node-type={type} data-status={status ?? ""} data-problems={problemCount}>
      <div className="cnode-head">
        <span className="cnode-title" title={def?.ui.description[locale]}>
          {title}
        </span>
        {data.label && def ? <span className="cnode-type">{def.ui.label[locale]}</span> : null}
        {status ? (
          <span className={`cnode-status ${status}`} data-testid="node-status">
            {t(`status.${status}`)}
          </span>
        ) : null}
        {problemCount ? (
          <span className="cnode-badge" title={firstProblem} data-testid="problem-badge" aria-label={t("problemCount", { count: problemCount })}>
            {problemCount}
          </span>
        ) : null}
      </div>
      {compact ? (
        <>
          <BareHandles nodeId={id} ports={ports.inputs} side="in" />
          <BareHandles nodeId={id} ports={ports.outputs} side="out" />
        </>
      ) : (
        <div className="cnode-body">
          <PortRows ports={ports.inputs} side="in" locale={locale} />
          <PortRows ports={ports.outputs} side="out" locale={locale} />
        </div>
      )}
    </div>
  );
});
