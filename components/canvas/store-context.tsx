"use client";

import { createContext, useContext, useState } from "react";
import { useStore } from "zustand";
import type { FlowDocument } from "@/lib/flow/schema";
import type { CanvasAbilities } from "@/lib/canvas/abilities";
import { createCanvasStore, type CanvasState, type CanvasStore } from "@/lib/canvas/store";

const StoreContext = createContext<CanvasStore | null>(null);
const AbilitiesContext = createContext<CanvasAbilities | null>(null);

/**
 * Gives the studio below it one canvas store for this flow (created once; a new flow page
 * mounts a new provider, so flows never share history), and what the person may do on it. The
 * abilities are decided once from the role and never change on the page: a read-only store
 * refuses edits itself, and components read the same object from context, with no store
 * subscription per node.
 * @example <CanvasStoreProvider initial={flow.graph} abilities={canvasAbilities(role)}><Studio /></CanvasStoreProvider>
 */
export function CanvasStoreProvider({ initial, abilities, children }: { initial: FlowDocument; abilities: CanvasAbilities; children: React.ReactNode }) {
  const [store] = useState(() => createCanvasStore(initial, { readOnly: !abilities.edit }));
  return (
    <StoreContext.Provider value={store}>
      <AbilitiesContext.Provider value={abilities}>{children}</AbilitiesContext.Provider>
    </StoreContext.Provider>
  );
}

/** The store itself, for event handlers that read the latest state without subscribing. */
export function useCanvasStore(): CanvasStore {
  const store = useContext(StoreContext);
  if (!store) throw new Error("useCanvasStore outside CanvasStoreProvider");
  return store;
}

/**
 * What the person may do on this canvas (`canvasAbilities` of their role): a stable object, so
 * reading it in a node costs no re-render.
 * @example const { editNote } = useCanvasAbilities();
 */
export function useCanvasAbilities(): CanvasAbilities {
  const abilities = useContext(AbilitiesContext);
  if (!abilities) throw new Error("useCanvasAbilities outside CanvasStoreProvider");
  return abilities;
}

/**
 * Subscribes to one slice of the canvas store. Pass a selector that returns a primitive or a
 * stable reference (or wrap it in `useShallow`), so a node does not re-render when another moves.
 * @example const status = useCanvas((s) => s.trace.find((t) => t.nodeId === id)?.status);
 */
export function useCanvas<T>(selector: (state: CanvasState) => T): T {
  return useStore(useCanvasStore(), selector);
}
