"use client";

import { useEffect } from "react";
import type { CanvasAbilities } from "@/lib/canvas/abilities";
import { shortcutAction } from "@/lib/canvas/shortcuts";
import { useCanvasStore } from "./store-context";

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || target.tagName === "INPUT" || target.tagName === "TEXTAREA" || target.tagName === "SELECT";
}

/**
 * The canvas keyboard (keys in `shortcutAction`). Keys typed into a field stay the field's own;
 * an action the person may not take (a viewer's paste, undo or delete) is left alone, so the
 * browser's default happens and the flow does not change.
 */
export function useShortcuts(abilities: CanvasAbilities): void {
  const store = useCanvasStore();
  useEffect(() => {
    function onKey(event: KeyboardEvent) {
      if (isTyping(event.target)) return;
      const action = shortcutAction(event);
      if (!action || !abilities[action]) return;
      const state = store.getState();
      let handled = true;
      if (action === "undo") state.undo();
      else if (action === "redo") state.redo();
      else if (action === "copy") handled = state.copySelection() > 0;
      else if (action === "paste") state.paste();
      else if (action === "duplicate") state.duplicateSelection();
      else state.deleteSelection();
      if (handled) event.preventDefault();
    }
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [store, abilities]);
}
