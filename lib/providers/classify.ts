import { ProviderError, isProviderError, providerMessages, type ErrorContext } from "./errors";
import { networkCode, type RequestState } from "./request-guard";

/** The upstream's own error text, from Ollama's `{error}` or OpenAI's `{error:{message}}` shapes. */
export function upstreamMessage(body: string | undefined): string {
  if (!body) return "";
  try {
    const parsed = JSON.parse(body) as { error?: unknown; message?: unknown; detail?: unknown };
    const e = parsed.error;
    if (typeof e === "string") return e;
    if (e && typeof e === "object" && typeof (e as { message?: unknown }).message === "string") return (e as { message: string }).message;
    if (typeof parsed.message === "string") return parsed.message;
    if (typeof parsed.detail === "string") return parsed.detail;
  } catch {
    // Not JSON: fall through to the raw text.
  }
  return body.trim().slice(0, 300);
}

function looksLikeMissingModel(status: number, detail: string): boolean {
  return status === 404 && /model/i.test(detail) && /(not found|does not exist|no such|not exist|unknown)/i.test(detail);
}

function fromStatus(status: number, body: string | undefined, ctx: ErrorContext, cause: unknown): ProviderError {
  const detail = upstreamMessage(body);
  if (status === 401 || status === 403) return new ProviderError("PROVIDER_AUTH", providerMessages.auth(ctx, status), { cause, details: { status } });
  if (looksLikeMissingModel(status, detail) && ctx.model) {
    return new ProviderError("MODEL_NOT_FOUND", providerMessages.modelNotFound(ctx, ctx.model), { cause, details: { status, model: ctx.model } });
  }
  if (status === 404 || status === 405) return new ProviderError("PROVIDER_ERROR", providerMessages.wrongPath(ctx, status), { cause, details: { status } });
  return new ProviderError("PROVIDER_ERROR", providerMessages.http(ctx, status, detail), { cause, details: { status } });
}

/**
 * Turns whatever an SDK threw into a ProviderError, trusting what the request guard saw over
 * the SDK's wrapping. Text already streamed makes any failure (but cancel and timeout) a
 * PROVIDER_STREAM_BROKEN carrying that text as `partial`.
 * @example
 * catch (e) { throw toProviderError(e, guard.state, { kind: "ollama", baseUrl, model, timeoutMs }, partial) }
 */
export function toProviderError(error: unknown, state: RequestState, ctx: ErrorContext, partial = ""): ProviderError {
  const base = classify(error, state, ctx, partial);
  if (partial && base.code !== "CANCELLED" && base.code !== "PROVIDER_STREAM_BROKEN" && base.code !== "PROVIDER_TIMEOUT") {
    return new ProviderError("PROVIDER_STREAM_BROKEN", providerMessages.streamBroken(ctx, upstreamDetail(error)), { partial, cause: error });
  }
  if (partial && !base.partial) return new ProviderError(base.code, base.localized, { partial, cause: error, details: base.details });
  return base;
}

function upstreamDetail(error: unknown): string {
  if (isProviderError(error)) return error.message;
  return error instanceof Error ? error.message.slice(0, 200) : String(error).slice(0, 200);
}

function classify(error: unknown, state: RequestState, ctx: ErrorContext, partial: string): ProviderError {
  if (isProviderError(error)) return error;
  if (state.blocked) return new ProviderError("PROVIDER_URL_BLOCKED", state.blocked.localized, { cause: error, details: state.blocked.details });
  if (state.cancelled) return new ProviderError("CANCELLED", providerMessages.cancelled(), { cause: error });
  if (state.timedOut) return new ProviderError("PROVIDER_TIMEOUT", providerMessages.timeout(ctx, state.timedOut), { cause: error });
  if (state.connectError) return new ProviderError("PROVIDER_UNREACHABLE", providerMessages.unreachable(ctx), { cause: error, details: { code: state.connectError } });
  if (state.status && state.status >= 400) return fromStatus(state.status, state.errorBody, ctx, error);
  if (state.bodyBroken) return new ProviderError("PROVIDER_STREAM_BROKEN", providerMessages.streamBroken(ctx, state.bodyError ?? ""), { partial, cause: error });

  // The guard saw nothing wrong: fall back to the error itself.
  const e = error as { name?: string; status?: unknown; message?: string } | undefined;
  if (e?.name === "AbortError") return new ProviderError("CANCELLED", providerMessages.cancelled(), { cause: error });
  if (typeof e?.status === "number" && e.status >= 400) return fromStatus(e.status, JSON.stringify({ error: e.message ?? "" }), ctx, error);
  const code = networkCode(error);
  if (code === "ECONNREFUSED" || code === "ENOTFOUND" || code === "EHOSTUNREACH" || code === "EAI_AGAIN") {
    return new ProviderError("PROVIDER_UNREACHABLE", providerMessages.unreachable(ctx), { cause: error, details: { code } });
  }
  const message = error instanceof Error ? error.message : String(error);
  if (ctx.model && /model/i.test(message) && /not found|try pulling/i.test(message)) {
    return new ProviderError("MODEL_NOT_FOUND", providerMessages.modelNotFound(ctx, ctx.model), { cause: error });
  }
  return new ProviderError("PROVIDER_ERROR", providerMessages.failed(ctx, message.slice(0, 300)), { cause: error });
}
