import { describe, expect, it } from "vitest";
import { canvasAbilities, type CanvasAction } from "@/lib/canvas/abilities";
import { shortcutAction } from "@/lib/canvas/shortcuts";

const READ: CanvasAction[] = ["select", "copy", "export"];
const RUN: CanvasAction[] = ["run", "runNode"];
const EDIT: CanvasAction[] = ["move", "connect", "delete", "addNode", "addNote", "editNote", "editSettings", "rename", "paste", "duplicate", "undo", "redo", "autoLayout", "import"];
const allowed = (role: Parameters<typeof canvasAbilities>[0]) =>
  Object.entries(canvasAbilities(role))
    .filter(([, yes]) => yes)
    .map(([action]) => action)
    .sort();

describe("what each role may do on the canvas", () => {
  it("lets a viewer look, copy, export, chat with the flow and run one node, and nothing that changes it", () => {
    expect(allowed("viewer")).toEqual([...READ, ...RUN].sort());
    expect(canvasAbilities("viewer").edit).toBe(false);
  });

  it.each(["editor", "owner"] as const)("keeps every canvas action for an %s", (role) => {
    expect(allowed(role)).toEqual([...READ, ...RUN, ...EDIT, "edit"].sort());
  });

  it("only lets someone with no role (outside the studio's RoleProvider) look", () => {
    expect(allowed(null)).toEqual([...READ].sort());
  });

  it("names every action exactly once across read, run and edit", () => {
    expect(Object.keys(canvasAbilities("owner")).sort()).toEqual([...READ, ...RUN, ...EDIT, "edit"].sort());
  });
});

describe("canvas shortcuts", () => {
  const press = (key: string, mods: { ctrl?: boolean; meta?: boolean; shift?: boolean } = {}) => shortcutAction({ key, ctrlKey: mods.ctrl ?? false, metaKey: mods.meta ?? false, shiftKey: mods.shift ?? false });

  it.each([
    ["z", { ctrl: true }, "undo"],
    ["z", { meta: true }, "undo"],
    ["Z", { ctrl: true, shift: true }, "redo"],
    ["y", { ctrl: true }, "redo"],
    ["c", { meta: true }, "copy"],
    ["v", { ctrl: true }, "paste"],
    ["d", { ctrl: true }, "duplicate"],
    ["Delete", {}, "delete"],
    ["Backspace", {}, "delete"],
  ] as const)("maps %s %o to %s", (key, mods, action) => {
    expect(press(key, mods)).toBe(action);
  });

  it.each([["y", { meta: true }], ["a", { ctrl: true }], ["Delete", { ctrl: true }], ["c", {}], ["ArrowLeft", {}]] as const)("leaves %s %o alone", (key, mods) => {
    expect(press(key, mods)).toBeNull();
  });

  it("lets a viewer's keyboard only copy", () => {
    const viewer = canvasAbilities("viewer");
    const keys = [press("z", { ctrl: true }), press("z", { ctrl: true, shift: true }), press("c", { ctrl: true }), press("v", { ctrl: true }), press("d", { ctrl: true }), press("Delete")];
    expect(keys.filter((action) => action && viewer[action])).toEqual(["copy"]);
    const editor = canvasAbilities("editor");
    expect(keys.filter((action) => action && editor[action])).toEqual(keys);
  });
});
