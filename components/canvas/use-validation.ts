"use client";

import { useEffect } from "react";
import { toDocument } from "@/lib/canvas/convert";
import { checkReferences } from "@/lib/flow/references";
import { analyzeFlow } from "@/lib/flow/validate";
import type { Locale } from "@/lib/i18n/locale";
import { nodeRegistry } from "@/nodes";
import { useCanvas, useCanvasStore } from "./store-context";
import { useReferenceCatalog } from "./use-reference-catalog";

const DEBOUNCE_MS = 250;

/**
 * Re-checks the flow a moment after each edit with the same checks the server makes — the
 * document's validation (blocks saving) and its references to knowledge bases and providers
 * (saved, but a run refuses them) — and puts the problems in the store: node badges, field
 * errors and the checklist all read them.
 */
export function useLiveValidation(locale: Locale): void {
  const store = useCanvasStore();
  const changeCount = useCanvas((s) => s.changeCount);
  const catalog = useReferenceCatalog();
  useEffect(() => {
    const timer = setTimeout(
      () => {
        const { nodes, edges, setProblems } = store.getState();
        const analysis = analyzeFlow(toDocument(nodes, edges), nodeRegistry, locale);
        setProblems([...analysis.problems, ...checkReferences(analysis, catalog ?? {}, locale)]);
      },
      changeCount === 0 ? 0 : DEBOUNCE_MS,
    );
    return () => clearTimeout(timer);
  }, [catalog, changeCount, locale, store]);
}
