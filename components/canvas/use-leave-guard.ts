"use client";

import { useEffect } from "react";
import { useRouter } from "next/navigation";

/**
 * Warns before the studio's own links leave a page with unsaved edits. The App Router has no
 * route-change event to veto, so clicks on same-origin links are caught first (capture phase,
 * before Next's Link handler) and confirmed; the browser's own navigation (reload, closing the
 * tab, typing an address) is covered by autosave's beforeunload. `pending` edits that are valid
 * are saved first and the navigation continues without asking.
 * @example useLeaveGuard({ unsaved: () => dirty, blocked: () => invalid, saveNow, message: t("leave") });
 */
export function useLeaveGuard(opts: { unsaved: () => boolean; blocked: () => boolean; saveNow: () => Promise<boolean>; message: () => string }): void {
  const router = useRouter();
  const { unsaved, blocked, saveNow, message } = opts;
  useEffect(() => {
    const onClick = (event: MouseEvent) => {
      if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
      const link = (event.target as Element | null)?.closest?.("a[href]") as HTMLAnchorElement | null;
      if (!link || link.target === "_blank" || link.hasAttribute("download")) return;
      const url = new URL(link.href, window.location.href);
      if (url.origin !== window.location.origin || (url.pathname === window.location.pathname && url.search === window.location.search)) return;
      if (!unsaved()) return;
      event.preventDefault();
      event.stopPropagation();
      const go = () => router.push(url.pathname + url.search + url.hash);
      if (blocked()) {
        if (window.confirm(message())) go();
        return;
      }
      void saveNow().then((saved) => {
        if (saved || window.confirm(message())) go();
      });
    };
    document.addEventListener("click", onClick, true);
    return () => document.removeEventListener("click", onClick, true);
  }, [blocked, message, router, saveNow, unsaved]);
}
