"use client";

import { useReactFlow } from "@xyflow/react";
import { useTranslations } from "next-intl";
import { useCanvas, useCanvasStore } from "./store-context";

/**
 * Every problem of the flow in one list; clicking one selects and shows its node. Publishing
 * (elsewhere) is refused while this list is not empty.
 */
export function Checklist() {
  const t = useTranslations("checklist");
  const problems = useCanvas((s) => s.problems);
  const store = useCanvasStore();
  const flow = useReactFlow();
  if (!problems.length) return <p className="ok small panel-empty" data-testid="checklist-ok">{t("allGood")}</p>;
  return (
    <div className="checklist" data-testid="checklist">
      <p className="small muted">{t("intro", { count: problems.length })}</p>
      <ol>
        {problems.map((problem, i) => {
          const target = problem.nodeId ?? problem.nodeIds?.[0];
          return (
            <li key={i}>
              <button
                type="button"
                className="checklist-item"
                disabled={!target}
                data-testid="checklist-item"
                onClick={() => {
                  if (!target) return;
                  store.getState().selectNode(target);
                  void flow.fitView({ nodes: [{ id: target }], duration: 300, maxZoom: 1.2 });
                }}
              >
                {problem.message}
              </button>
            </li>
          );
        })}
      </ol>
    </div>
  );
}
