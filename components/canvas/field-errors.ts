import { isReferenceProblem } from "@/lib/flow/references";
import type { FlowProblem } from "@/lib/flow/validate";

/** Problem messages by setting path ("branches.0.rules.0.value"), for showing at the field. */
export type FieldErrors = Record<string, string[]>;

/**
 * Groups a node's problems by the setting they concern; problems without a setting are
 * returned under "" (they are shown above the form).
 * @example fieldErrors(problems)["url"] // ['"URL" cannot be empty.']
 */
export function fieldErrors(problems: readonly FlowProblem[]): FieldErrors {
  const out: FieldErrors = {};
  for (const problem of problems) (out[problem.code === "invalid-setting" || isReferenceProblem(problem) ? (problem.field ?? "") : ""] ??= []).push(problem.message);
  return out;
}
