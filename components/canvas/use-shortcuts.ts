"use client";

import { useEffect } from "react";
import { useCanvasStore } from "./store-context";

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || target.tagName === "INPUT" || target.tagName === "TEXTAREA" || target.tagName === "SELECT";
}

/**
 * The canvas keyboard: Ctrl/Cmd+Z undo, Ctrl/Cmd+Shift+Z and Ctrl+Y redo, Ctrl/Cmd+C/V/D copy,
 * paste, duplicate, Delete/Backspace delete. Keys typed into a field stay the field's own.
 */
export function useShortcuts(): void {
  const store = useCanvasStore();
  useEffect(() => {
    function onKey(event: KeyboardEvent) {
      if (isTyping(event.target)) return;
      const state = store.getState();
      const mod = event.ctrlKey || event.metaKey;
      const key = event.key.toLowerCase();
      let handled = true;
      if (mod && key === "z" && !event.shiftKey) state.undo();
      else if ((mod && key === "z" && event.shiftKey) || (event.ctrlKey && key === "y")) state.redo();
      else if (mod && key === "c") handled = state.copySelection() > 0;
      else if (mod && key === "v") state.paste();
      else if (mod && key === "d") state.duplicateSelection();
      else if (!mod && (event.key === "Delete" || event.key === "Backspace")) state.deleteSelection();
      else handled = false;
      if (handled) event.preventDefault();
    }
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [store]);
}
