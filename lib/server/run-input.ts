import "server-only";
import { AppError } from "@/lib/errors";
import { findJsonProblem } from "@/lib/security/input-text";
import type { RunInput } from "@/nodes/context";
import { jsonProblemError } from "./request";

/** Nesting a run's input may have (the input object is level 1, a variable's value level 3). */
export const MAX_RUN_INPUT_DEPTH = 32;
/** The whole input as JSON, in bytes: what one request body may carry. */
export const MAX_RUN_INPUT_BYTES = 2 * 1024 * 1024;

/**
 * Refuses, with a 400 in the caller's language, a run input the run record could not store or
 * that would break the walks after it: NUL or a broken Unicode character in any string or key,
 * nesting deeper than {@link MAX_RUN_INPUT_DEPTH}, more than {@link MAX_RUN_INPUT_BYTES}.
 * Called before a run (or a single node) starts, so nothing runs that cannot be recorded.
 * @example checkRunInput({ message: "hi", history: [], variables: { "a\u0000": 1 } }) // throws invalid_text
 */
export function checkRunInput(input: RunInput): void {
  const problem = findJsonProblem(input, { maxDepth: MAX_RUN_INPUT_DEPTH });
  if (problem) throw jsonProblemError(problem);
  const bytes = Buffer.byteLength(JSON.stringify(input));
  if (bytes > MAX_RUN_INPUT_BYTES) {
    throw new AppError(
      "run_input_too_large",
      { en: `The run's input is ${Math.ceil(bytes / 1024)} KB; at most ${MAX_RUN_INPUT_BYTES / 1024} KB may be sent.`, zh: `运行输入为 ${Math.ceil(bytes / 1024)} KB，最多只能发送 ${MAX_RUN_INPUT_BYTES / 1024} KB。` },
      400,
    );
  }
}
