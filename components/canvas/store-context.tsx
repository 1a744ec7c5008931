"use client";

import { createContext, useContext, useState } from "react";
import { useStore } from "zustand";
import type { FlowDocument } from "@/lib/flow/schema";
import { createCanvasStore, type CanvasState, type CanvasStore } from "@/lib/canvas/store";

const StoreContext = createContext<CanvasStore | null>(null);

/**
 * Gives the studio below it one canvas store for this flow (created once; a new flow page
 * mounts a new provider, so flows never share history).
 * @example <CanvasStoreProvider initial={flow.graph}><Studio /></CanvasStoreProvider>
 */
export function CanvasStoreProvider({ initial, children }: { initial: FlowDocument; children: React.ReactNode }) {
  const [store] = useState(() => createCanvasStore(initial));
  return <StoreContext.Provider value={store}>{children}</StoreContext.Provider>;
}

/** The store itself, for event handlers that read the latest state without subscribing. */
export function useCanvasStore(): CanvasStore {
  const store = useContext(StoreContext);
  if (!store) throw new Error("useCanvasStore outside CanvasStoreProvider");
  return store;
}

/**
 * Subscribes to one slice of the canvas store. Pass a selector that returns a primitive or a
 * stable reference (or wrap it in `useShallow`), so a node does not re-render when another moves.
 * @example const status = useCanvas((s) => s.trace.find((t) => t.nodeId === id)?.status);
 */
export function useCanvas<T>(selector: (state: CanvasState) => T): T {
  return useStore(useCanvasStore(), selector);
}
