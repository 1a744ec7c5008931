/**
 * Rejects when the signal aborts, so a hanging step (a DNS lookup, a connect) cannot outlive
 * the caller's deadline; otherwise settles like `promise`.
 * @example const addresses = await untilAborted(resolve(host), AbortSignal.timeout(5_000));
 */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => (signal.removeEventListener("abort", onAbort), resolve(value)),
      (error: unknown) => (signal.removeEventListener("abort", onAbort), reject(error)),
    );
  });
}
