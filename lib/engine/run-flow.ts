import { FlowRun } from "./flow-run";
import type { FlowDocument, RunOptions } from "./types";
import type { RunEvent } from "@/lib/flow/run-record";

/**
 * Runs a flow and yields its events as they happen: run-started, then node-started / token /
 * node-finished / node-skipped / node-failed interleaved across concurrent branches, and
 * always exactly one run-finished last (unless the consumer stops iterating first).
 *
 * The flow is validated first (an invalid one finishes `failed` with INVALID_FLOW and the
 * problems). A node starts as soon as every connected input is resolved; an output a node
 * leaves out is a branch not taken, and nodes only reachable through it are skipped.
 * Cancel with `opts.signal`, or by stopping iteration (`break` / `.return()`): both abort the
 * signal every in-flight node received, so a disconnected client stops the model request.
 * `.return()` takes effect when the generator is paused at an event; abort `opts.signal` to
 * cancel while a `next()` is still waiting.
 * @example
 * for await (const event of runFlow(flow, { registry: nodeRegistry, services, input, locale: "zh", signal })) {
 *   if (event.type === "token" && event.answer) send(event.text);
 * }
 */
export async function* runFlow(flow: FlowDocument, opts: RunOptions): AsyncGenerator<RunEvent> {
  const run = new FlowRun(opts);
  try {
    run.start(flow);
    for (;;) {
      const batch = run.drain();
      for (let i = 0; i < batch.length; i++) yield batch[i];
      if (batch.length > 0) continue;
      if (run.finished) return;
      await run.next();
    }
  } finally {
    run.dispose();
  }
}
