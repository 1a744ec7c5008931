import { expect } from "vitest";
import { AppError } from "@/lib/errors";
import type { SandboxErrorCode, SandboxRequest } from "@/lib/sandbox";

/** Limits for one test run: small enough that runaway code fails fast. */
export const testLimits = { timeoutMs: 2000, memoryBytes: 32 * 1024 * 1024, maxOutputBytes: 1024 * 1024 } satisfies Omit<SandboxRequest, "source" | "inputs">;

/**
 * Awaits a run that must fail, checks its stable code, and that the message a person reads
 * exists in both languages. Returns the error for further checks.
 * @example const error = await expectSandboxError(pool.run(request), "SANDBOX_TIMEOUT");
 */
export async function expectSandboxError(run: Promise<unknown>, code: SandboxErrorCode): Promise<AppError> {
  const error = await run.then(
    (value) => {
      throw new Error(`expected ${code}, but the run succeeded with ${JSON.stringify(value)}`);
    },
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(AppError);
  const appError = error as AppError;
  expect(appError.code, appError.message).toBe(code);
  expect(appError.localized.en.trim()).not.toBe("");
  expect(appError.localized.zh).toMatch(/[\u4e00-\u9fff]/);
  return appError;
}
