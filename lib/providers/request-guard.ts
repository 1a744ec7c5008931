import { isAppError, type AppError } from "@/lib/errors";
import { createProviderFetch } from "@/lib/security/provider-fetch";

/**
 * One guarded HTTP exchange with a model server. Each SDK (ollama-js, openai, @huggingface/inference)
 * wraps failures its own way, so instead of parsing their errors we hand them our own `fetch` and
 * record here what really happened: cancelled by the caller, timed out (before the first byte or
 * between chunks), connection refused, HTTP status and body, or a body that broke mid-way.
 */
export interface RequestState {
  cancelled: boolean;
  timedOut?: "first-byte" | "idle";
  /** Network error code (ECONNREFUSED, ENOTFOUND…) when the request never got an answer. */
  connectError?: string;
  status?: number;
  errorBody?: string;
  /** The response body failed while being read (socket closed, reset). */
  bodyBroken?: boolean;
  bodyError?: string;
  /** The provider URL policy refused the host at request time (PROVIDER_URL_BLOCKED: metadata, link-local, rebinding…). */
  blocked?: AppError;
}

export interface RequestGuard {
  fetch: typeof fetch;
  /** Aborted on cancel, timeout or `dispose()`. */
  signal: AbortSignal;
  state: RequestState;
  /** Stops timers and aborts anything still in flight (the consumer stopped reading). */
  dispose(): void;
}

/** The network error code somewhere in an error's cause chain, e.g. "ECONNREFUSED". */
export function networkCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; current && depth < 6; depth++) {
    const e = current as { code?: unknown; cause?: unknown; errors?: unknown[] };
    if (typeof e.code === "string" && /^E[A-Z_]+$/.test(e.code)) return e.code;
    if (typeof e.code === "string" && e.code.startsWith("UND_ERR")) return e.code;
    if (Array.isArray(e.errors) && e.errors.length) current = e.errors[0];
    else current = e.cause;
  }
  return undefined;
}

/** Every provider request, unless a test injects its own network: resolved, checked and pinned (C12). */
const pinnedFetch = createProviderFetch();

/**
 * Creates the guard for one model call. `fetch` is the network under it: the pinned provider
 * fetch (lib/security/provider-fetch.ts) unless given, so no SDK request bypasses the URL policy.
 * @example
 * const guard = createRequestGuard({ signal, timeoutMs: 60_000, idleTimeoutMs: 60_000 });
 * try { await new Ollama({ fetch: guard.fetch }).list(); } finally { guard.dispose(); }
 */
export function createRequestGuard(opts: { signal?: AbortSignal; timeoutMs: number; idleTimeoutMs: number; fetch?: typeof fetch }): RequestGuard {
  const network = opts.fetch ?? pinnedFetch;
  const controller = new AbortController();
  const state: RequestState = { cancelled: false };
  let timer: ReturnType<typeof setTimeout> | undefined;
  let inFlight = 0;

  const onCallerAbort = () => {
    state.cancelled = true;
    controller.abort(opts.signal?.reason ?? new DOMException("Cancelled", "AbortError"));
  };
  if (opts.signal?.aborted) onCallerAbort();
  else opts.signal?.addEventListener("abort", onCallerAbort, { once: true });

  const clear = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
  };
  const arm = (phase: "first-byte" | "idle", ms: number) => {
    clear();
    timer = setTimeout(() => {
      if (controller.signal.aborted) return;
      state.timedOut = phase;
      controller.abort(new DOMException(`Model server ${phase} timeout`, "TimeoutError"));
    }, ms);
  };

  const guardedFetch: typeof fetch = async (input, init) => {
    if (controller.signal.aborted) throw controller.signal.reason;
    const signal = init?.signal ? AbortSignal.any([controller.signal, init.signal]) : controller.signal;
    inFlight++;
    arm("first-byte", opts.timeoutMs);
    let response: Response;
    try {
      response = await network(input, { ...init, signal });
    } catch (error) {
      if (isAppError(error) && error.code === "PROVIDER_URL_BLOCKED") state.blocked = error;
      else if (!controller.signal.aborted && !init?.signal?.aborted) state.connectError = networkCode(error) ?? "EFETCH";
      done();
      throw error;
    }
    if (!response.ok) {
      state.status = response.status;
      state.errorBody = await response.clone().text().catch(() => "");
    }
    if (!response.body) {
      done();
      return response;
    }
    // The idle clock runs only while we wait on the server, never while the consumer is busy.
    clear();
    const reader = response.body.getReader();
    const body = new ReadableStream<Uint8Array>({
      async pull(streamController) {
        try {
          arm("idle", opts.idleTimeoutMs);
          const { done: finished, value } = await reader.read();
          clear();
          if (finished) {
            done();
            streamController.close();
            return;
          }
          streamController.enqueue(value);
        } catch (error) {
          if (!controller.signal.aborted) {
            state.bodyBroken = true;
            state.bodyError = networkCode(error) ?? (error instanceof Error ? error.message : String(error));
          }
          done();
          streamController.error(error);
        }
      },
      cancel(reason) {
        done();
        return reader.cancel(reason);
      },
    });
    return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
  };

  function done() {
    inFlight = Math.max(0, inFlight - 1);
    if (inFlight === 0) clear();
  }

  return {
    fetch: guardedFetch,
    signal: controller.signal,
    state,
    dispose() {
      clear();
      opts.signal?.removeEventListener("abort", onCallerAbort);
      if (inFlight > 0 && !controller.signal.aborted) controller.abort(new DOMException("Consumer stopped reading", "AbortError"));
    },
  };
}
