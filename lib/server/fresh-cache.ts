import "server-only";

/**
 * Remembers what a key resolves to for at most `ttlMs`, asking again in the background once half
 * of that has passed — so a busy caller never waits on the check after its first request, and a
 * change (a revoked key) is seen within `ttlMs`. Concurrent misses share one load (no stampede
 * when an entry expires under load); a failed load is not remembered. `load` gets the previous
 * value, so it can re-check cheaply what it verified expensively before.
 * @example const principal = await keys.get(digest, (previous) => verify(key, previous));
 */
export class FreshCache<V> {
  private readonly entries = new Map<string, { value: Promise<V>; at: number; refreshing: boolean; settled?: { value: V } }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 5_000,
  ) {}

  get(key: string, load: (previous: V | undefined) => Promise<V>, now = Date.now()): Promise<V> {
    const entry = this.entries.get(key);
    if (entry && now - entry.at < this.ttlMs) {
      if (!entry.refreshing && now - entry.at >= this.ttlMs / 2) {
        entry.refreshing = true;
        entry.value.then((previous) => this.load(key, () => load(previous), now)).catch(() => undefined);
      }
      return entry.value;
    }
    return this.load(key, async () => load(entry ? await entry.value.catch(() => undefined) : undefined), now);
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  /** Drops every entry whose value matches (e.g. all digests of one revoked key id), and those still loading. */
  deleteWhere(match: (value: V) => boolean): void {
    for (const [key, entry] of this.entries) if (!entry.settled || match(entry.settled.value)) this.entries.delete(key);
  }

  private load(key: string, run: () => Promise<V>, now: number): Promise<V> {
    const value = run();
    const entry: { value: Promise<V>; at: number; refreshing: boolean; settled?: { value: V } } = { value, at: now, refreshing: false };
    value.then((settled) => (entry.settled = { value: settled }), () => undefined);
    const previous = this.entries.get(key);
    // A background refresh replaces the entry only once it has its answer, so callers keep the
    // value they had meanwhile; a first load is shared at once.
    if (previous && previous.at + this.ttlMs > now) {
      value.then(
        () => this.entries.get(key) === previous && this.entries.set(key, entry),
        () => undefined,
      );
    } else {
      if (this.entries.size >= this.maxEntries) this.entries.clear();
      this.entries.set(key, entry);
      value.catch(() => this.entries.get(key) === entry && this.entries.delete(key));
    }
    return value;
  }
}
