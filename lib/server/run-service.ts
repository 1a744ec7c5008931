import "server-only";
import { randomUUID } from "node:crypto";
import type { Db } from "@/lib/db";
import { runFlow } from "@/lib/engine/run-flow";
import type { EngineServices } from "@/lib/engine/types";
import type { RunEvent } from "@/lib/flow/run-record";
import type { FlowDocument } from "@/lib/flow/schema";
import { AppError, isAppError } from "@/lib/errors";
import type { Locale } from "@/lib/i18n/locale";
import { sharedSandbox } from "@/lib/sandbox";
import { redactSecrets, replaceKnownSecrets } from "@/lib/security/redact";
import { createGuardedFetch, type GuardedFetch } from "@/lib/security/ssrf";
import type { RunInput } from "@/nodes/context";
import { nodeRegistry } from "@/nodes";
import { revealFlowSecrets } from "./flow-secrets";
import { retrieveForRun } from "./knowledge";
import { chatModelForRun } from "./providers";
import { runWrites } from "./run-writes";
import { checkRunInput } from "./run-input";
import { TraceWriter } from "./trace-writer";

export interface FlowRunRequest {
  db: Db;
  workspaceId: string;
  flowId: string;
  flowRevision: number;
  /** The flow as stored: its secrets are decrypted here, for this run only. */
  graph: FlowDocument;
  input: RunInput;
  locale: Locale;
  /** Aborts the run (the client went away). */
  signal?: AbortSignal;
  /** Adapts the services nodes get, e.g. a published bot's cap on output tokens and its usage meter. */
  wrapServices?: (services: EngineServices) => EngineServices;
  /** The SSRF-guarded fetch nodes use (default: the app's; tests inject one with their own resolver and connector). */
  fetch?: GuardedFetch;
}

const guardedFetch = createGuardedFetch();
/** The code node's sandbox; its worker threads start on the first code run, not at import. */
const sandbox = sharedSandbox();

/** What nodes may use during a run: models through the configured providers, the web through the SSRF guard. */
export function engineServices(db: Db, workspaceId: string, fetch: GuardedFetch = guardedFetch): EngineServices {
  return {
    async chat(request) {
      const model = await chatModelForRun(db, workspaceId, request.provider, request.model || undefined);
      const { provider: _provider, model: _model, ...rest } = request;
      return model.invoke(rest);
    },
    fetch,
    runCode: (req) => sandbox.run(req),
    retrieve: (req) => retrieveForRun(db, workspaceId, req),
  };
}

const RETRY_EVERY_MS = 2_000;
const RETRY_FOR_MS = 10 * 60_000;

/** Retries writing a run's trace and end until it works or 10 minutes pass (then a restart marks it interrupted). */
async function retryRecording(runId: string, attempt: () => Promise<void>): Promise<void> {
  const until = Date.now() + RETRY_FOR_MS;
  while (Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, RETRY_EVERY_MS).unref?.());
    try {
      await attempt();
      console.error(`[trellis] recorded the end of run ${runId} once the database was back`);
      return;
    } catch {
      // still away
    }
  }
  console.error(`[trellis] gave up recording the end of run ${runId}; the next start marks it interrupted`);
}

/**
 * Starts a run of a saved flow and returns its events; a run is recorded or refused, never run
 * unrecorded. The input is checked first (400: text no database can store, nesting too deep,
 * too large), then the run row is inserted — redacted like the trace (C24), in one statement with
 * the other runs starting at that moment (run-writes.ts) — and only then does
 * the first node start: if the insert fails, this throws and nothing has run (no HTTP request
 * sent, no code executed). The insert costs about a millisecond on PGlite and one commit on
 * PostgreSQL before the first token (docs/benchmarks.md, `npm run bench -- run-record`). Steps are saved in batches; the run's end state is written when the
 * events end — including when the consumer stops early (disconnect), which aborts the run and
 * the model request with it.
 */
export async function startFlowRun(request: FlowRunRequest): Promise<{ runId: string; events: AsyncGenerator<RunEvent>; cancel: () => void }> {
  checkRunInput(request.input);
  const { db, workspaceId } = request;
  // Node secrets are decrypted for the engine only; their values are redacted from the stored
  // trace and from what the person running the flow sees (they may be a viewer).
  const { graph, secrets } = revealFlowSecrets(request.graph, { workspaceId, flowId: request.flowId });
  const runId = randomUUID();
  const writes = runWrites(db);
  await writes.create({ id: runId, workspaceId, flowId: request.flowId, flowRevision: request.flowRevision, input: redactSecrets(request.input) });
  const controller = new AbortController();
  // C22: when the trace can no longer be stored (database unreachable), the run stops at once
  // and ends "failed" with the database's message instead of running on unrecorded.
  let storageLost: AppError | undefined;
  const writer = new TraceWriter(
    (steps) => writes.saveSteps(runId, steps),
    500,
    {
      knownSecrets: () => secrets,
      onSaveError: (error) => {
        if (storageLost || !isAppError(error) || error.status !== 503) return;
        storageLost = error;
        controller.abort(error);
      },
    },
  );
  const onAbort = () => controller.abort(request.signal?.reason);
  request.signal?.addEventListener("abort", onAbort, { once: true });

  async function* events(): AsyncGenerator<RunEvent> {
    let last: Extract<RunEvent, { type: "run-finished" }> | undefined;
    const startedAt = Date.now();
    try {
      for await (const event of runFlow(graph, {
        registry: nodeRegistry,
        services: request.wrapServices ? request.wrapServices(engineServices(db, workspaceId, request.fetch)) : engineServices(db, workspaceId, request.fetch),
        input: request.input,
        locale: request.locale,
        signal: controller.signal,
      })) {
        const ended: RunEvent = storageLost && event.type === "run-finished" ? { ...event, status: "failed", error: { code: "DATABASE_UNAVAILABLE", message: storageLost.messageIn(request.locale) } } : event;
        const out = replaceKnownSecrets(ended, secrets);
        writer.observe(out);
        if (out.type === "run-finished") last = out;
        yield out;
      }
    } finally {
      request.signal?.removeEventListener("abort", onAbort);
      if (!last) controller.abort();
      // Stored like the steps: redacted (the answer may quote a token from the message).
      const end = redactSecrets({
        status: last?.status ?? ("cancelled" as const),
        answer: last?.answer ?? null,
        error: last?.error ?? (last ? null : { code: "CANCELLED", message: "The client disconnected." }),
        durationMs: last?.durationMs ?? Date.now() - startedAt,
      });
      const record = async () => {
        await writer.flush();
        await writes.finish(runId, end);
      };
      try {
        await record();
      } catch (error) {
        // The database is away (C22): keep trying in the background, so the run shows its real
        // end (not "running") once it is back, without anyone having to restart the app.
        if (isAppError(error) && error.status === 503) void retryRecording(runId, record);
        else console.error("[trellis] could not record the end of run", runId, error);
      }
    }
  }

  return { runId, events: events(), cancel: () => controller.abort(new Error("cancelled")) };
}
