import "server-only";

const encoder = new TextEncoder();
const HEARTBEAT_MS = 15_000;

/** One server-sent event: a standard `event:` name and a JSON `data:` line. */
export function sseFrame(event: string, data: unknown, id?: string): Uint8Array {
  const idLine = id ? `id: ${id}\n` : "";
  return encoder.encode(`${idLine}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
}

export const SSE_HEADERS = {
  "Content-Type": "text/event-stream; charset=utf-8",
  "Cache-Control": "no-cache, no-transform",
  Connection: "keep-alive",
  // Tells nginx-style proxies not to buffer, so each token reaches the person when it is produced.
  "X-Accel-Buffering": "no",
} as const;

/**
 * Streams items as server-sent events, each flushed as soon as it is produced, with a heartbeat
 * comment so idle proxies keep the connection. When the client goes away the source iterator is
 * closed (`return()`), which is how a disconnected client cancels the run.
 * @example return sseResponse(events, (e) => ({ event: e.type, data: e }));
 */
export function sseResponse<T>(
  source: AsyncGenerator<T>,
  frame: (item: T) => { event: string; data: unknown },
  init: { headers?: Record<string, string>; /** called at once when the client goes away */ onCancel?: () => void } = {},
): Response {
  let heartbeat: ReturnType<typeof setInterval> | undefined;
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      heartbeat = setInterval(() => {
        try {
          controller.enqueue(encoder.encode(": ping\n\n"));
        } catch {
          clearInterval(heartbeat);
        }
      }, HEARTBEAT_MS);
    },
    async pull(controller) {
      try {
        const next = await source.next();
        if (next.done) {
          clearInterval(heartbeat);
          controller.close();
          return;
        }
        const { event, data } = frame(next.value);
        controller.enqueue(sseFrame(event, data));
      } catch (error) {
        clearInterval(heartbeat);
        controller.error(error);
      }
    },
    async cancel() {
      clearInterval(heartbeat);
      // Abort first: `return()` on a generator that is awaiting (say, the model's first token)
      // would only take effect at its next yield.
      init.onCancel?.();
      await source.return(undefined);
    },
  });
  return new Response(stream, { headers: { ...SSE_HEADERS, ...init.headers } });
}
