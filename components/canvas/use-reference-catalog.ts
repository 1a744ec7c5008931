"use client";

import { useEffect, useState } from "react";
import type { ReferenceCatalog } from "@/lib/flow/references";

interface Named {
  id: string;
  name: string;
}

/**
 * The workspace's knowledge bases and model providers by id → name, fetched once per page for
 * the checklist's reference checks. A list that cannot be loaded stays undefined, and the check
 * then stays silent about it instead of calling every reference missing.
 */
export function useReferenceCatalog(): ReferenceCatalog | undefined {
  const [catalog, setCatalog] = useState<ReferenceCatalog | undefined>(undefined);
  useEffect(() => {
    let live = true;
    const json = (url: string) =>
      fetch(url)
        .then((res) => (res.ok ? res.json() : null))
        .catch(() => null);
    void Promise.all([json("/api/v1/knowledge-bases"), json("/api/v1/providers")]).then(([kbs, providers]) => {
      if (!live) return;
      const bases = kbs?.knowledgeBases as Named[] | undefined;
      const stored = providers ? ([...(providers.builtin ?? []), ...(providers.providers ?? [])] as Named[]) : undefined;
      setCatalog({
        knowledgeBases: bases ? new Map(bases.map((b) => [b.id, b.name])) : undefined,
        providers: stored ? new Map(stored.map((p) => [p.id, p.name])) : undefined,
      });
    });
    return () => {
      live = false;
    };
  }, []);
  return catalog;
}
