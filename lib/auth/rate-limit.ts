/**
 * A sliding-window counter of failures per key (e.g. per email and per client address), kept in
 * memory. Used to slow down password guessing: after `max` failures inside `windowMs` the key
 * is refused until the oldest failure leaves the window.
 * @example
 * const limiter = new FailureLimiter({ max: 10, windowMs: 15 * 60_000 });
 * if (limiter.retryAfterMs("email:a@b.c") > 0) refuse();
 */
export class FailureLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(private readonly opts: { max: number; windowMs: number; maxKeys?: number; now?: () => number }) {}

  private now(): number {
    return this.opts.now?.() ?? Date.now();
  }

  private recent(key: string): number[] {
    const cutoff = this.now() - this.opts.windowMs;
    const list = (this.failures.get(key) ?? []).filter((t) => t > cutoff);
    if (list.length) this.failures.set(key, list);
    else this.failures.delete(key);
    return list;
  }

  /** Milliseconds until the key may try again; 0 when it may now. */
  retryAfterMs(key: string): number {
    const list = this.recent(key);
    if (list.length < this.opts.max) return 0;
    return list[list.length - this.opts.max] + this.opts.windowMs - this.now();
  }

  fail(key: string): void {
    const list = this.recent(key);
    list.push(this.now());
    this.failures.set(key, list);
    const maxKeys = this.opts.maxKeys ?? 10_000;
    if (this.failures.size > maxKeys) {
      // Forget the oldest keys first; Map keeps insertion order.
      const excess = this.failures.size - maxKeys;
      let i = 0;
      for (const k of this.failures.keys()) {
        if (i++ >= excess) break;
        this.failures.delete(k);
      }
    }
  }

  reset(key: string): void {
    this.failures.delete(key);
  }
}
