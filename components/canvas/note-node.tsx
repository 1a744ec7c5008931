"use client";

import { memo } from "react";
import { NodeResizer, type NodeProps } from "@xyflow/react";
import { useTranslations } from "next-intl";
import type { NoteCanvasNode } from "@/lib/canvas/types";
import { useCanvasAbilities, useCanvasStore } from "./store-context";

/** A sticky note: free text on the canvas that never takes part in a run. A viewer reads it, and can neither type in it nor resize it. */
export const NoteNode = memo(function NoteNode({ id, data, selected }: NodeProps<NoteCanvasNode>) {
  const t = useTranslations("canvas");
  const store = useCanvasStore();
  const { editNote } = useCanvasAbilities();
  return (
    <div className={`cnote${selected ? " selected" : ""}`} data-testid="canvas-note">
      <NodeResizer isVisible={selected && editNote} minWidth={140} minHeight={80} />
      <textarea
        className="nodrag nowheel"
        value={data.text}
        placeholder={t("notePlaceholder")}
        aria-label={t("note")}
        readOnly={!editNote}
        onChange={(e) => store.getState().updateNote(id, e.target.value)}
      />
    </div>
  );
});
