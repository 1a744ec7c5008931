/**
 * The client side of `bench api`: closed-loop clients that each send one streaming request after
 * another (every request a different question) for a fixed time, timing the first token and the
 * gaps between tokens as they arrive on the wire.
 */

/** One streaming request: where to send it and how to recognise a token in the response body. */
export interface Target {
  name: string;
  request(question: string): { url: string; init: RequestInit };
  /** Whether a line of the response body starts a token (SSE `event: token`, an NDJSON chunk). */
  isToken(line: string): boolean;
}

export interface Sample {
  ttftMs: number;
  gapsMs: number[];
  tokens: number;
}

export interface LoadResult {
  concurrency: number;
  samples: Sample[];
  errors: number;
  firstError?: string;
  /** Completed requests per second over the phase. */
  throughput: number;
  elapsedMs: number;
}

let questionSeq = 0;
/** A question no earlier request asked (caches keyed on the text must not help). */
export function nextQuestion(): string {
  questionSeq++;
  return `Question ${questionSeq} (${Math.random().toString(36).slice(2, 8)}): what does a vector database store?`;
}

/** Sends one request and times it; throws on an HTTP error or a stream without tokens. */
export async function timedRequest(target: Target, question: string): Promise<Sample> {
  const { url, init } = target.request(question);
  const started = performance.now();
  const res = await fetch(url, init);
  if (!res.ok || !res.body) throw new Error(`${target.name}: HTTP ${res.status} ${(await res.text()).slice(0, 300)}`);
  const text = new TextDecoder();
  const times: number[] = [];
  let carry = "";
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    const now = performance.now();
    // Only whole lines are looked at; a line split across chunks waits for its end.
    const lines = (carry + text.decode(value, { stream: true })).split("\n");
    carry = lines.pop() ?? "";
    for (const line of lines) if (target.isToken(line)) times.push(now);
  }
  if (!times.length) throw new Error(`${target.name}: the answer had no tokens`);
  const gapsMs = times.slice(1).map((t, i) => t - times[i]);
  return { ttftMs: times[0] - started, gapsMs, tokens: times.length };
}

/**
 * `concurrency` clients, each sending requests back to back until `durationMs` has passed;
 * requests in flight at the end are awaited and counted.
 */
export async function closedLoop(target: Target, concurrency: number, durationMs: number): Promise<LoadResult> {
  const samples: Sample[] = [];
  let errors = 0;
  let firstError: string | undefined;
  const started = performance.now();
  const deadline = started + durationMs;
  let lastDone = started;
  const client = async () => {
    while (performance.now() < deadline) {
      try {
        samples.push(await timedRequest(target, nextQuestion()));
      } catch (error) {
        errors++;
        firstError ??= error instanceof Error ? error.message : String(error);
      }
      lastDone = performance.now();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, client));
  const elapsedMs = lastDone - started;
  return { concurrency, samples, errors, firstError, throughput: (samples.length / elapsedMs) * 1000, elapsedMs };
}

export function percentile(values: number[], p: number): number {
  if (!values.length) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

export const round = (value: number, places = 1) => (Number.isFinite(value) ? Math.round(value * 10 ** places) / 10 ** places : null);

export interface PhaseSummary {
  concurrency: number;
  requests: number;
  errors: number;
  ttft_ms_p50: number | null;
  ttft_ms_p95: number | null;
  gap_ms_p99: number | null;
  throughput_rps: number | null;
  /** Server CPU (user + system, the app's process tree) per completed request. */
  cpu_ms_per_request?: number | null;
}

export function summarise(result: LoadResult, cpuMs?: number): PhaseSummary {
  const ttft = result.samples.map((s) => s.ttftMs);
  const gaps = result.samples.flatMap((s) => s.gapsMs);
  return {
    concurrency: result.concurrency,
    requests: result.samples.length,
    errors: result.errors,
    ttft_ms_p50: round(percentile(ttft, 50), 2),
    ttft_ms_p95: round(percentile(ttft, 95), 2),
    gap_ms_p99: round(percentile(gaps, 99), 2),
    throughput_rps: round(result.throughput, 1),
    ...(cpuMs === undefined ? {} : { cpu_ms_per_request: result.samples.length ? round(cpuMs / result.samples.length, 2) : null }),
  };
}
