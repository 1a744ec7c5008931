"use client";

import { useEffect, useState } from "react";
import type { Me } from "@/lib/client/accounts";
import { callApi } from "@/lib/client/api";

/**
 * The signed-in person and workspace (GET /api/v1/me), so a settings page knows whether to show
 * the owner's controls. The server checks the role again on every call; this only shapes the page.
 */
export function useMe(): { me: Me | null; error: string | null } {
  const [state, setState] = useState<{ me: Me | null; error: string | null }>({ me: null, error: null });
  useEffect(() => {
    let live = true;
    callApi<Me>("/api/v1/me").then((res) => {
      if (live) setState({ me: res.data, error: res.error });
    });
    return () => {
      live = false;
    };
  }, []);
  return state;
}
