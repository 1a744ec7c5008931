import { parseSse } from "@/lib/client/sse";
import type { RunEvent } from "@/lib/flow/run-record";
import { authFetch } from "./auth";

export type WireEvent = RunEvent & { runId: string };

/** POSTs a run and collects its server-sent events; `onEvent` may abort via the given controller. */
export async function collectRun(
  url: string,
  body: object,
  opts: { controller?: AbortController; onEvent?: (event: WireEvent, all: WireEvent[]) => void } = {},
): Promise<{ status: number; headers: Headers; events: WireEvent[] }> {
  const res = await authFetch(url, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body), signal: opts.controller?.signal });
  const events: WireEvent[] = [];
  if (!res.body || !res.headers.get("content-type")?.includes("text/event-stream")) return { status: res.status, headers: res.headers, events };
  try {
    for await (const message of parseSse(res.body)) {
      const event = JSON.parse(message.data) as WireEvent;
      if (message.event !== event.type) throw new Error(`SSE event name ${message.event} ≠ payload type ${event.type}`);
      events.push(event);
      opts.onEvent?.(event, events);
    }
  } catch (error) {
    if (!opts.controller?.signal.aborted) throw error;
  }
  return { status: res.status, headers: res.headers, events };
}

export async function json(url: string, init?: { method?: string; body?: unknown; headers?: Record<string, string> }) {
  const res = await authFetch(url, {
    method: init?.method ?? "GET",
    headers: { ...(init?.body !== undefined ? { "Content-Type": "application/json" } : {}), ...init?.headers },
    body: init?.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}
