import { roleAllows, type Permission } from "@/lib/auth/permissions";
import type { Role } from "@/lib/client/accounts";

/**
 * What a person can do on the canvas, each tied to the permission the server checks for it
 * (lib/auth/permissions.ts). Looking, selecting, copying and exporting only read the flow; the
 * test chat and "run this node" are runs; everything that would change the saved graph is an edit.
 */
const needs = {
  select: "read",
  copy: "read",
  export: "read",
  run: "run",
  runNode: "run",
  move: "edit",
  connect: "edit",
  delete: "edit",
  addNode: "edit",
  addNote: "edit",
  editNote: "edit",
  editSettings: "edit",
  rename: "edit",
  paste: "edit",
  duplicate: "edit",
  undo: "edit",
  redo: "edit",
  autoLayout: "edit",
  import: "edit",
} as const satisfies Record<string, Permission>;

export type CanvasAction = keyof typeof needs;
export type CanvasAbilities = Readonly<Record<CanvasAction, boolean>> & {
  /** False when any edit is refused: the canvas is read-only (React Flow gets no drag, connect or delete). */
  readonly edit: boolean;
};

/**
 * The canvas actions a role may take, decided once per studio page and handed down (the canvas
 * store, React Flow's props, the toolbar and the keyboard all read this one object). No role
 * (outside a RoleProvider) may only look, as the rest of the studio hides what it cannot check.
 * This shapes the page only: the server refuses a viewer's PATCH with a 403 regardless.
 * @example
 * canvasAbilities("viewer").move // false
 * canvasAbilities("viewer").runNode // true
 * canvasAbilities("editor").edit // true
 */
export function canvasAbilities(role: Role | null): CanvasAbilities {
  const entries = Object.entries(needs).map(([action, permission]) => [action, role ? roleAllows(role, permission) : permission === "read"]);
  const abilities = Object.fromEntries(entries) as Record<CanvasAction, boolean>;
  return Object.freeze({ ...abilities, edit: role ? roleAllows(role, "edit") : false });
}
