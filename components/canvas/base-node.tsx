"use client";

import { memo, use, useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from "react";
import { Handle, Position, useUpdateNodeInternals, type NodeProps } from "@xyflow/react";
import { useLocale, useTranslations } from "next-intl";
import { nodePorts, kindColors } from "@/lib/canvas/ports";
import type { TraceStep } from "@/lib/canvas/trace";
import type { FlowCanvasNode } from "@/lib/canvas/types";
import { isLocale } from "@/lib/i18n/locale";
import { getNodeDef } from "@/nodes";
import type { PortMap } from "@/nodes/define";
import { CompactContext } from "./lite-edges";
import { useCanvasStore } from "./store-context";

interface NodeMarks {
  problemCount: number;
  firstProblem: string | undefined;
  status: TraceStep["status"] | undefined;
  highlighted: boolean;
}

/**
 * What the store says about one node beyond its data: problems, last run status, highlight. It
 * listens only for changes to those three parts of the store: a drag changes the store on every
 * frame, and 300 nodes each running a selector on every frame was a measurable share of it.
 */
function useNodeMarks(id: string): NodeMarks {
  const store = useCanvasStore();
  const subscribe = useCallback(
    (notify: () => void) =>
      store.subscribe((s, prev) => {
        if (s.problemsByNode !== prev.problemsByNode || s.trace !== prev.trace || s.highlighted !== prev.highlighted) notify();
      }),
    [store],
  );
  const last = useRef<NodeMarks | null>(null);
  const read = () => {
    const s = store.getState();
    const problems = s.problemsByNode[id];
    const next: NodeMarks = { problemCount: problems?.length ?? 0, firstProblem: problems?.[0]?.message, status: s.trace.find((step) => step.nodeId === id)?.status, highlighted: s.highlighted === id };
    const prev = last.current;
    // The same object while nothing changed: React compares snapshots by identity.
    if (prev && prev.problemCount === next.problemCount && prev.firstProblem === next.firstProblem && prev.status === next.status && prev.highlighted === next.highlighted) return prev;
    last.current = next;
    return next;
  };
  return useSyncExternalStore(subscribe, read, read);
}

/**
 * A side's ports for handles drawn on top of one another (zoomed out): the first port last, so it
 * is the one on top, the one a connection starts from (see `fittingConnection` for where it ends).
 */
function stacked(ports: PortMap) {
  return Object.entries(ports).reverse();
}

/**
 * The handles alone, without rows or names (zoomed out): each side's handles sit at the middle
 * of the node's edge, so edges still attach. They are plain elements with React Flow's handle
 * classes and data attributes, which is all its measuring reads: a full `Handle` subscribes to
 * the flow store, and hundreds of them re-checked on every drag frame were a large share of the
 * frame. The node under the pointer swaps them for `LiveHandles`, so connecting works zoomed out.
 */
const BareHandles = memo(function BareHandles({ nodeId, ports, side }: { nodeId: string; ports: PortMap; side: "in" | "out" }) {
  const position = side === "in" ? Position.Left : Position.Right;
  const kind = side === "in" ? "target" : "source";
  return (
    <>
      {stacked(ports).map(([name, spec]) => (
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

/**
 * Real React Flow handles without rows or names: the zoomed-out node under the pointer, so a
 * connection can start or end there. `connectable` is React Flow's `nodesConnectable` as the node
 * receives it (false for a viewer): a custom node's handles do not read it themselves.
 */
/** One port's connection point, coloured by the port's kind. */
function PortHandle({ name, kind, side, connectable }: { name: string; kind: keyof typeof kindColors; side: "in" | "out"; connectable: boolean }) {
  return (
    <Handle
      type={side === "in" ? "target" : "source"}
      position={side === "in" ? Position.Left : Position.Right}
      id={name}
      isConnectable={connectable}
      className="chandle"
      style={{ background: kindColors[kind] }}
      data-testid={`handle-${side}-${name}`}
    />
  );
}

const LiveHandles = memo(function LiveHandles({ ports, side, connectable }: { ports: PortMap; side: "in" | "out"; connectable: boolean }) {
  return (
    <>
      {stacked(ports).map(([name, spec]) => (
        <PortHandle key={name} name={name} kind={spec.kind} side={side} connectable={connectable} />
      ))}
    </>
  );
});

const PortRows = memo(function PortRows({ ports, side, locale, connectable }: { ports: PortMap; side: "in" | "out"; locale: "en" | "zh"; connectable: boolean }) {
  return (
    <div className={`cnode-ports ${side}`}>
      {Object.entries(ports).map(([name, spec]) => (
        <div key={name} className="cport" data-port={name} data-kind={spec.kind}>
          <PortHandle name={name} kind={spec.kind} side={side} connectable={connectable} />
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
export const BaseNode = memo(BaseNodeView, sameNode);

/**
 * What the node draws depends on these props only: React Flow also passes the absolute position,
 * which changes on every frame of a drag and would re-render the node for nothing.
 */
function sameNode(a: NodeProps<FlowCanvasNode>, b: NodeProps<FlowCanvasNode>): boolean {
  return a.id === b.id && a.type === b.type && a.data === b.data && a.selected === b.selected && a.isConnectable === b.isConnectable;
}

function BaseNodeView({ id, type, data, selected, isConnectable }: NodeProps<FlowCanvasNode>) {
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
  const { problemCount, firstProblem, status, highlighted } = useNodeMarks(id);
  const compact = use(CompactContext);
  // Zoomed out, only the node under the pointer has live handles. It keeps them while a button is
  // held (a connection being dragged out of it), until the pointer leaves with no button down.
  const [live, setLive] = useState(false);
  const title = data.label || def?.ui.label[locale] || type;
  const classes = ["cnode", compact ? "compact" : "", `cat-${def?.ui.category ?? "unknown"}`, selected ? "selected" : "", highlighted ? "highlighted" : "", status ? `run-${status}` : "", problemCount ? "has-problems" : ""];
  const badges = (
    <>
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
    </>
  );
  // Zoomed out: the title bar is the title itself (no inner span, no type name, which are unreadable
  // there), then the bare handles; every element saved is 300 fewer with a big flow on screen.
  if (compact) {
    return (
      <div
        className={classes.join(" ")}
        data-testid="canvas-node"
        data-node-id={id}
        data-node-type={type}
        data-status={status ?? ""}
        data-problems={problemCount}
        onPointerEnter={() => setLive(true)}
        onPointerLeave={(event) => {
          if (!event.buttons) setLive(false);
        }}
      >
        <div className="cnode-head" title={def?.ui.description[locale]}>
          {title}
          {badges}
        </div>
        {live ? (
          <>
            <LiveHandles ports={ports.inputs} side="in" connectable={isConnectable} />
            <LiveHandles ports={ports.outputs} side="out" connectable={isConnectable} />
          </>
        ) : (
          <>
            <BareHandles nodeId={id} ports={ports.inputs} side="in" />
            <BareHandles nodeId={id} ports={ports.outputs} side="out" />
          </>
        )}
      </div>
    );
  }
  return (
    <div className={classes.join(" ")} data-testid="canvas-node" data-node-id={id} data-node-type={type} data-status={status ?? ""} data-problems={problemCount}>
      <div className="cnode-head">
        <span className="cnode-title" title={def?.ui.description[locale]}>
          {title}
        </span>
        {data.label && def ? <span className="cnode-type">{def.ui.label[locale]}</span> : null}
        {badges}
      </div>
      <div className="cnode-body">
        <PortRows ports={ports.inputs} side="in" locale={locale} connectable={isConnectable} />
        <PortRows ports={ports.outputs} side="out" locale={locale} connectable={isConnectable} />
      </div>
    </div>
  );
}
