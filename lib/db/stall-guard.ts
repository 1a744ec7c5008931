import { Client, type Pool } from "pg";

/**
 * Notices a PostgreSQL server that has stopped answering without closing its connections (a
 * frozen process, a network partition, SIGSTOP): the case connection and statement timeouts
 * catch only after seconds. When any query of the pool is still pending after `slowMs`, the
 * guard probes the server on a fresh connection (not from the pool, which may be full of stuck
 * clients). If the probe fails, the server is marked unreachable: pending calls are rejected at
 * once and new ones fail immediately (503 for requests), until a probe — repeated every
 * `retryMs` — succeeds again. A slow query on a healthy server costs one quick probe, nothing more.
 *
 * @example
 * const guard = new StallGuard(() => probe(url), {});
 * guard.install(pool);
 */
export interface StallGuardOptions {
  slowMs?: number;
  retryMs?: number;
  log?: (line: string) => void;
}

const unreachableError = () =>
  Object.assign(new Error("PostgreSQL is not answering (probe failed): treating it as unreachable"), { code: "57P03" });

export class StallGuard {
  private unreachable = false;
  private probing: Promise<void> | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private readonly pending = new Set<(error: Error) => void>();
  private readonly slowMs: number;
  private readonly retryMs: number;
  private readonly log: (line: string) => void;

  constructor(
    private readonly probe: () => Promise<void>,
    opts: StallGuardOptions = {},
  ) {
    this.slowMs = opts.slowMs ?? 500;
    this.retryMs = opts.retryMs ?? 1_000;
    this.log = opts.log ?? ((line) => console.error(line));
  }

  get isUnreachable(): boolean {
    return this.unreachable;
  }

  /**
   * Runs `fn` under the guard: refused at once while the server is unreachable. `orphan` receives
   * a result that arrives after the call was already failed (e.g. a pooled client to release).
   */
  run<T>(fn: () => Promise<T>, orphan?: (value: T) => void): Promise<T> {
    if (this.unreachable) return Promise.reject(unreachableError());
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const fail = (error: Error) => {
        if (settled) return;
        settled = true;
        cleanup();
        reject(error);
      };
      const timer = setTimeout(() => void this.check(), this.slowMs);
      timer.unref?.();
      const cleanup = () => {
        clearTimeout(timer);
        this.pending.delete(fail);
      };
      this.pending.add(fail);
      fn().then(
        (value) => {
          if (settled) {
            orphan?.(value);
            return;
          }
          settled = true;
          cleanup();
          resolve(value);
        },
        (error: unknown) => fail(error instanceof Error ? error : new Error(String(error))),
      );
    });
  }

  /** Wraps the pool's `query` and `connect` so every use goes through {@link run}. */
  install(pool: Pool): void {
    const query = pool.query.bind(pool) as (...args: unknown[]) => Promise<unknown>;
    const connect = pool.connect.bind(pool) as (...args: unknown[]) => Promise<unknown>;
    (pool as unknown as { query: unknown }).query = (...args: unknown[]) => {
      if (typeof args.at(-1) === "function") return query(...args); // callback style: untouched
      return this.run(() => query(...args));
    };
    (pool as unknown as { connect: unknown }).connect = (...args: unknown[]) => {
      if (typeof args.at(-1) === "function") return connect(...args);
      return this.run(
        () => connect(),
        (client) => (client as { release?: (error?: Error) => void }).release?.(unreachableError()),
      );
    };
  }

  private check(): Promise<void> {
    this.probing ??= this.probe()
      .then(() => this.markReachable())
      .catch((error: unknown) => this.markUnreachable(error))
      .finally(() => {
        this.probing = null;
      });
    return this.probing;
  }

  private markUnreachable(error: unknown): void {
    if (!this.unreachable) {
      this.log(`[db] PostgreSQL did not answer a probe (${error instanceof Error ? error.message : String(error)}): failing fast until it does`);
    }
    this.unreachable = true;
    for (const fail of [...this.pending]) fail(unreachableError());
    this.retryTimer ??= setInterval(() => void this.check(), this.retryMs);
    this.retryTimer.unref?.();
  }

  private markReachable(): void {
    if (this.unreachable) this.log("[db] PostgreSQL answers again");
    this.unreachable = false;
    if (this.retryTimer) clearInterval(this.retryTimer);
    this.retryTimer = null;
  }

  /** Stops the retry timer (when the pool closes). */
  dispose(): void {
    if (this.retryTimer) clearInterval(this.retryTimer);
    this.retryTimer = null;
  }
}

/** One `SELECT 1` on a new connection, within `timeoutMs` in all (connect included). */
export async function probePostgres(url: string, timeoutMs = 1_200): Promise<void> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: timeoutMs, query_timeout: timeoutMs });
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      (async () => {
        await client.connect();
        await client.query("SELECT 1");
      })(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
    void client.end().catch(() => undefined);
  }
}
