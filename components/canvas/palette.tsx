"use client";

import { useMemo, useState } from "react";
import { useReactFlow } from "@xyflow/react";
import { useLocale, useTranslations } from "next-intl";
import { freeSpot } from "@/lib/canvas/free-spot";
import { NOTE_TYPE } from "@/lib/canvas/types";
import { isLocale } from "@/lib/i18n/locale";
import { nodeRegistry, nodeTypes } from "@/nodes";
import type { NodeCategory } from "@/nodes/define";
import { useCanvasStore } from "./store-context";

/** Drag payload type for palette items (a node type id, or "note"). */
export const PALETTE_MIME = "application/x-trellis-node";

const categoryOrder: NodeCategory[] = ["io", "rag", "ai", "text", "logic", "tools"];

/**
 * Node types by category, with a search over labels and descriptions in both languages. Drag an
 * item onto the canvas, or click it to add it in the middle of the view, or the nearest free place to it.
 */
export function Palette() {
  const t = useTranslations("canvas");
  const tag = useLocale();
  const locale = isLocale(tag) ? tag : "en";
  const [query, setQuery] = useState("");
  const store = useCanvasStore();
  const flow = useReactFlow();

  const groups = useMemo(() => {
    const q = query.trim().toLowerCase();
    const matches = nodeTypes.filter((type) => {
      if (!q) return true;
      const ui = nodeRegistry[type].ui;
      return [type, ui.label.en, ui.label.zh, ui.description.en, ui.description.zh].some((text) => text.toLowerCase().includes(q));
    });
    return categoryOrder.map((category) => ({ category, types: matches.filter((type) => nodeRegistry[type].ui.category === category) })).filter((g) => g.types.length);
  }, [query]);

  function addAtCentre(type: string) {
    const box = document.querySelector(".canvas-wrap")?.getBoundingClientRect();
    const centre = box ? { x: box.left + box.width / 2, y: box.top + box.height / 2 } : { x: 400, y: 300 };
    const preferred = flow.screenToFlowPosition({ x: centre.x - 120, y: centre.y - 60 });
    const position = freeSpot(store.getState().nodes, preferred);
    if (type === NOTE_TYPE) store.getState().addNote(position);
    else store.getState().addNode(type, position);
  }

  const item = (type: string, label: string, description: string) => (
    <li key={type}>
      <button
        type="button"
        className="palette-item"
        draggable
        data-testid={`palette-${type}`}
        title={description}
        onDragStart={(e) => {
          e.dataTransfer.setData(PALETTE_MIME, type);
          e.dataTransfer.effectAllowed = "move";
        }}
        onClick={() => addAtCentre(type)}
      >
        <span className="palette-label">{label}</span>
        <span className="palette-desc">{description}</span>
      </button>
    </li>
  );

  return (
    <nav className="palette" aria-label={t("palette")} data-testid="palette">
      <input type="search" value={query} onChange={(e) => setQuery(e.target.value)} placeholder={t("searchNodes")} aria-label={t("searchNodes")} data-testid="palette-search" />
      {groups.map(({ category, types }) => (
        <section key={category}>
          <h3>{t(`categories.${category}`)}</h3>
          <ul>{types.map((type) => item(type, nodeRegistry[type].ui.label[locale], nodeRegistry[type].ui.description[locale]))}</ul>
        </section>
      ))}
      {!groups.length ? <p className="muted small">{t("noMatch")}</p> : null}
      <section>
        <h3>{t("categories.canvas")}</h3>
        <ul>{item(NOTE_TYPE, t("note"), t("noteHelp"))}</ul>
      </section>
      <p className="muted small palette-hint">{t("paletteHint")}</p>
    </nav>
  );
}
