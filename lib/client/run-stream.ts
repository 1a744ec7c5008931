import type { RunEvent } from "@/lib/flow/run-record";
import type { ChatMessage } from "@/nodes/ports";
import { parseSse } from "./sse";

export type StreamedRunEvent = RunEvent & { runId: string };

export interface RunRequestBody {
  message: string;
  history?: ChatMessage[];
  variables?: Record<string, unknown>;
}

/**
 * Starts a run of a saved flow and yields its events as the server sends them.
 * Aborting `signal` closes the connection, which cancels the run on the server.
 */
export async function* streamFlowRun(flowId: string, body: RunRequestBody, signal?: AbortSignal): AsyncGenerator<StreamedRunEvent> {
  const res = await fetch(`/api/v1/flows/${encodeURIComponent(flowId)}/runs`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "text/event-stream" },
    body: JSON.stringify({ ...body, stream: true }),
    signal,
  });
  if (!res.ok || !res.body) {
    const payload = await res.json().catch(() => null);
    throw new Error(payload?.error?.message ?? `HTTP ${res.status}`);
  }
  for await (const message of parseSse(res.body)) {
    yield JSON.parse(message.data) as StreamedRunEvent;
  }
}
