import "server-only";
import { sql } from "drizzle-orm";
import type { Db } from "../client";
import { dbCall } from "../errors";
import { botActiveRuns, botCounters } from "../schema";

/**
 * Shared counters for rate limits and token budgets, and the runs in progress per bot. Everything
 * is in the database, so several app processes behind a load balancer agree.
 */

export interface AdmissionInput {
  /** Request counters to bump by one in this minute window. */
  hits: string[];
  minute: number;
  /** Token budget counters to read for this day window. */
  budgets: string[];
  day: number;
  /** When set, the run is registered as active under this id and the bot's other active runs counted. */
  run?: { id: string; botId: string; staleAfterSeconds: number };
}

export interface Admission {
  hits: Map<string, number>;
  spent: Map<string, number>;
  /** Active runs of the bot before this one. */
  active: number;
}

/**
 * One round trip for the whole admission check: bumps every request counter with
 * `INSERT … ON CONFLICT … DO UPDATE SET n = n + 1 RETURNING n`, reads the day's token counters
 * and registers the run, counting the bot's other active runs.
 */
export async function admit(db: Db, input: AdmissionInput): Promise<Admission> {
  const hitRows = input.hits.length
    ? sql`INSERT INTO ${botCounters} (key, window_start, n) VALUES ${sql.join(
        input.hits.map((key) => sql`(${key}, ${input.minute}, 1)`),
        sql`, `,
      )} ON CONFLICT (key, window_start) DO UPDATE SET n = ${botCounters}.n + 1 RETURNING key, n`
    : sql`SELECT NULL::text AS key, NULL::bigint AS n WHERE false`;
  const spentRows = input.budgets.length
    ? sql`SELECT key, n FROM ${botCounters} WHERE window_start = ${input.day} AND key IN (${sql.join(input.budgets.map((key) => sql`${key}`), sql`, `)})`
    : sql`SELECT NULL::text AS key, NULL::bigint AS n WHERE false`;
  const run = input.run;
  const registered = run ? sql`, registered AS (INSERT INTO ${botActiveRuns} (id, bot_id) VALUES (${run.id}, ${run.botId}) RETURNING id)` : sql``;
  // The registered row is not visible to this statement's own SELECT, so this counts the others.
  const active = run
    ? sql`SELECT 'active' AS kind, '' AS key, count(*)::bigint AS n FROM ${botActiveRuns} WHERE bot_id = ${run.botId} AND started_at > now() - make_interval(secs => ${run.staleAfterSeconds})`
    : sql`SELECT 'active' AS kind, '' AS key, 0::bigint AS n`;
  const statement = sql`WITH hits AS (${hitRows}), spent AS (${spentRows})${registered}
    SELECT 'hit' AS kind, key, n FROM hits UNION ALL SELECT 'spent' AS kind, key, n FROM spent UNION ALL ${active}`;
  const result = await dbCall("admit", () => db.execute<{ kind: string; key: string; n: string | number }>(statement));
  const admission: Admission = { hits: new Map(), spent: new Map(), active: 0 };
  for (const row of result.rows) {
    const n = Number(row.n);
    if (row.kind === "hit") admission.hits.set(row.key, n);
    else if (row.kind === "spent") admission.spent.set(row.key, n);
    else admission.active = n;
  }
  return admission;
}

/** Drops request windows older than `beforeMinute` and day windows older than `beforeDay`. */
export async function pruneCounters(db: Db, beforeMinute: number, beforeDay: number): Promise<void> {
  await dbCall("pruneCounters", () =>
    db.execute(sql`DELETE FROM ${botCounters} WHERE (key LIKE 'rpm:%' AND window_start < ${beforeMinute}) OR (key LIKE 'tok:%' AND window_start < ${beforeDay})`),
  );
}

/**
 * What calls that ended leave behind, in one statement: their concurrency slots are freed and the
 * tokens they spent added to the day's budget counters (summed per counter first).
 * @example await settleCalls(db, { activeRunIds: [slot], tokens: [{ key: "tok:bot:b1", day, tokens: 120 }] });
 */
export async function settleCalls(db: Db, input: { activeRunIds: string[]; tokens: { key: string; day: number; tokens: number }[] }): Promise<void> {
  const sums = new Map<string, { key: string; day: number; tokens: number }>();
  for (const e of input.tokens) {
    if (e.tokens <= 0) continue;
    const id = `${e.day}\u0000${e.key}`;
    const sum = sums.get(id);
    if (sum) sum.tokens += e.tokens;
    else sums.set(id, { ...e });
  }
  const ids = input.activeRunIds;
  if (!ids.length && !sums.size) return;
  const freed = ids.length ? sql`DELETE FROM ${botActiveRuns} WHERE id IN (${sql.join(ids.map((id) => sql`${id}`), sql`, `)})` : null;
  const added = sums.size
    ? sql`INSERT INTO ${botCounters} (key, window_start, n) VALUES ${sql.join(
        [...sums.values()].map((e) => sql`(${e.key}, ${e.day}, ${e.tokens})`),
        sql`, `,
      )} ON CONFLICT (key, window_start) DO UPDATE SET n = ${botCounters}.n + EXCLUDED.n`
    : null;
  const statement = freed && added ? sql`WITH freed AS (${freed}) ${added}` : (freed ?? added)!;
  await dbCall("settleCalls", () => db.execute(statement));
}
