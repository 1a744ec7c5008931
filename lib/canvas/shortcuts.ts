import type { CanvasAction } from "./abilities";

/** The canvas actions the keyboard reaches. */
export type ShortcutAction = Extract<CanvasAction, "undo" | "redo" | "copy" | "paste" | "duplicate" | "delete">;

type Keys = Pick<KeyboardEvent, "key" | "ctrlKey" | "metaKey" | "shiftKey">;

/**
 * The canvas action a key press asks for: Ctrl/Cmd+Z undo, Ctrl/Cmd+Shift+Z and Ctrl+Y redo,
 * Ctrl/Cmd+C/V/D copy, paste, duplicate, Delete/Backspace delete; null for any other key. Kept
 * apart from the listener so what a read-only canvas ignores is decided (and tested) in one place.
 * @example shortcutAction({ key: "z", ctrlKey: true, metaKey: false, shiftKey: true }) // "redo"
 */
export function shortcutAction(event: Keys): ShortcutAction | null {
  const mod = event.ctrlKey || event.metaKey;
  const key = event.key.toLowerCase();
  if (mod && key === "z") return event.shiftKey ? "redo" : "undo";
  if (event.ctrlKey && key === "y") return "redo";
  if (mod && key === "c") return "copy";
  if (mod && key === "v") return "paste";
  if (mod && key === "d") return "duplicate";
  if (!mod && (event.key === "Delete" || event.key === "Backspace")) return "delete";
  return null;
}
