"use client";

import { useEffect } from "react";
import { toDocument } from "@/lib/canvas/convert";
import { validateFlow } from "@/lib/flow/validate";
import type { Locale } from "@/lib/i18n/locale";
import { nodeRegistry } from "@/nodes";
import { useCanvas, useCanvasStore } from "./store-context";

const DEBOUNCE_MS = 250;

/**
 * Re-checks the flow a moment after each edit with the same `validateFlow` the server uses, and
 * puts the problems in the store: node badges, field errors and the checklist all read them.
 */
export function useLiveValidation(locale: Locale): void {
  const store = useCanvasStore();
  const changeCount = useCanvas((s) => s.changeCount);
  useEffect(() => {
    const timer = setTimeout(
      () => {
        const { nodes, edges, setProblems } = store.getState();
        const result = validateFlow(toDocument(nodes, edges), nodeRegistry, locale);
        setProblems(result.ok ? [] : result.problems);
      },
      changeCount === 0 ? 0 : DEBOUNCE_MS,
    );
    return () => clearTimeout(timer);
  }, [changeCount, locale, store]);
}
