import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import path from "node:path";
import { scratchPostgres } from "../../tests/support/scratch-postgres";
import type { BenchArgs } from "../bench";
import { buildWidget } from "../widget-bundle";
import { cpuMs, publishBot, rssMb, startApp, startModelServerProcess, type App, type Child, type Published } from "./api-app";
import { closedLoop, round, summarise, type PhaseSummary, type Target } from "./api-load";

/**
 * What the run path adds to the model (issues 19 and 21): time to first token through the bot
 * API (`POST /api/v1/bots/SLUG/chat`, SSE) and the flow-run API (`POST /api/v1/flows/:id/runs`)
 * minus calling the stand-in model server directly with the same kind of question, at 1, 10 and
 * 50 closed-loop clients; throughput at 50 as a share of the model server's own; the gap added
 * between tokens (p99); server CPU per request; the widget's gzipped size.
 *
 * Options: --postgres (also on PostgreSQL: a scratch database on DATABASE_URL, default
 * postgres://postgres@127.0.0.1:5432/postgres; DATABASE_URL alone implies it), --dist DIR (the
 * build folder, default .next), --seconds S (per phase, default 4), --profile DIR (the app runs
 * under `node --cpu-prof`, profiles written there when it stops).
 * Targets (issue 21, bot API): ≤ 3 ms p50 and ≤ 8 ms p95 added at 1 client, ≤ 30 ms p95 at 50,
 * ≥ 90 % of the model server's throughput at 50.
 */
const TOKENS = 11;
const TOKEN_DELAY_MS = 20;
const LEVELS = [1, 10, 50];
const SYSTEM_PROMPT = "You are a helpful assistant. Answer briefly, in the language of the question.";
const root = path.resolve(__dirname, "../..");

function option(rest: string[], name: string): string | undefined {
  const at = rest.indexOf(name);
  return at >= 0 ? rest[at + 1] : undefined;
}

const isSseToken = (line: string) => line === "event: token";

function targets(model: Child, app: App, bot: Published): Record<"direct" | "bot" | "flow", Target> {
  const json = { "content-type": "application/json" };
  return {
    direct: {
      name: "model server",
      request: (question) => ({
        url: `${model.url}/api/chat`,
        init: { method: "POST", headers: json, body: JSON.stringify({ model: "qwen2.5", stream: true, messages: [{ role: "system", content: SYSTEM_PROMPT }, { role: "user", content: question }] }) },
      }),
      isToken: (line) => line.includes('"done":false'),
    },
    bot: {
      name: "bot API",
      request: (question) => ({
        url: `${app.url}/api/v1/bots/${bot.slug}/chat`,
        init: { method: "POST", headers: { ...json, authorization: `Bearer ${bot.botKey}` }, body: JSON.stringify({ message: question }) },
      }),
      isToken: isSseToken,
    },
    flow: {
      name: "flow-run API",
      request: (question) => ({
        url: `${app.url}/api/v1/flows/${bot.flowId}/runs`,
        init: { method: "POST", headers: { ...json, authorization: `Bearer ${bot.apiKey}` }, body: JSON.stringify({ message: question }) },
      }),
      isToken: isSseToken,
    },
  };
}

type Phases = Record<"direct" | "bot" | "flow", PhaseSummary[]>;

const added = (via: PhaseSummary | undefined, direct: PhaseSummary | undefined, key: "ttft_ms_p50" | "ttft_ms_p95" | "gap_ms_p99") =>
  via?.[key] != null && direct?.[key] != null ? round(via[key]! - direct[key]!, 2) : null;

/** The figures of one API against the direct calls. */
function versus(via: PhaseSummary[], direct: PhaseSummary[]) {
  const at = (list: PhaseSummary[], c: number) => list.find((p) => p.concurrency === c);
  const out: Record<string, number | null> = {};
  for (const c of LEVELS) {
    out[`ttft_added_ms_p50_c${c}`] = added(at(via, c), at(direct, c), "ttft_ms_p50");
    out[`ttft_added_ms_p95_c${c}`] = added(at(via, c), at(direct, c), "ttft_ms_p95");
  }
  const top = LEVELS.at(-1)!;
  const own = at(direct, top)?.throughput_rps;
  const mine = at(via, top)?.throughput_rps;
  out[`throughput_share_c${top}`] = own && mine != null ? round(mine / own, 3) : null;
  out.gap_added_ms_p99 = round(Math.max(...LEVELS.map((c) => added(at(via, c), at(direct, c), "gap_ms_p99") ?? Number.NEGATIVE_INFINITY)), 2);
  out.cpu_ms_per_request_c10 = at(via, 10)?.cpu_ms_per_request ?? null;
  out[`cpu_ms_per_request_c${top}`] = at(via, top)?.cpu_ms_per_request ?? null;
  return out;
}

async function measureDatabase(label: string, model: Child, opts: { distDir: string; databaseUrl?: string; seconds: number; profileDir?: string; log: (line: string) => void }) {
  const app = await startApp({ modelUrl: model.url, distDir: opts.distDir, databaseUrl: opts.databaseUrl, nodeArgs: opts.profileDir ? ["--cpu-prof", `--cpu-prof-dir=${path.join(opts.profileDir, label)}`] : undefined });
  try {
    const rssIdle = rssMb(app.pid);
    const bot = await publishBot(app);
    const all = targets(model, app, bot);
    // Warm-up: JIT, caches and connection pools, not measured.
    for (const name of ["direct", "bot", "flow"] as const) await closedLoop(all[name], 10, 1_500);
    // What the app burns doing nothing (timers, pollers), so per-request CPU can be read against it.
    const idleFrom = cpuMs(app.pid);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const idleCpuMsPerS = round((cpuMs(app.pid) - idleFrom) / 2, 1);
    opts.log(`  ${label} idle CPU after warm-up: ${idleCpuMsPerS} ms/s`);
    const phases: Phases = { direct: [], bot: [], flow: [] };
    for (const c of LEVELS) {
      const ms = (c === LEVELS.at(-1) ? 1.5 : 1) * opts.seconds * 1000;
      for (const name of ["direct", "bot", "flow"] as const) {
        const before = cpuMs(app.pid);
        const result = await closedLoop(all[name], c, ms);
        const summary = summarise(result, name === "direct" ? undefined : cpuMs(app.pid) - before);
        phases[name].push(summary);
        if (result.errors) opts.log(`  ${label} ${name} c${c}: ${result.errors} errors, first: ${result.firstError}`);
        opts.log(`  ${label} ${name.padEnd(6)} c${String(c).padEnd(2)} ${JSON.stringify(summary)}`);
      }
    }
    return { phases, bot: versus(phases.bot, phases.direct), flow: versus(phases.flow, phases.direct), rss_mb_idle: rssIdle, rss_mb_after: rssMb(app.pid), idle_cpu_ms_per_s: idleCpuMsPerS };
  } finally {
    await app.stop();
  }
}

/** The widget as `npm run build:widget` bundles it, gzipped (bundled into a scratch folder, so any tree measures it). */
async function widgetGzipBytes(): Promise<number> {
  const dir = mkdtempSync(path.join(tmpdir(), "trellis-widget-"));
  try {
    return (await buildWidget(path.join(dir, "widget.js"))).gzipBytes;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function run(args: BenchArgs): Promise<void> {
  const log = (line: string) => (args.json ? console.error(line) : console.log(line));
  const seconds = Number(option(args.rest, "--seconds") ?? 4);
  const distDir = option(args.rest, "--dist") ?? process.env.NEXT_DIST_DIR ?? ".next";
  const profileDir = option(args.rest, "--profile");
  const postgresUrl = args.rest.includes("--postgres") || process.env.DATABASE_URL ? process.env.DATABASE_URL || "postgres://postgres@127.0.0.1:5432/postgres" : undefined;
  if (!existsSync(path.join(root, distDir, "BUILD_ID"))) throw new Error(`No production build in ${distDir}: run \`npx next build\` first (or pass --dist DIR).`);

  const machine = { cores: cpus().length, cpu: cpus()[0]?.model ?? "", memory_gb: Math.round(totalmem() / 2 ** 30), load_before: loadavg().map((l) => round(l, 2)), node: process.version };
  log(`bench api: ${TOKENS} tokens ${TOKEN_DELAY_MS} ms apart, clients ${LEVELS.join("/")}, ${seconds} s per phase; ${machine.cores} cores, load ${machine.load_before.join(" ")}`);
  const started = Date.now();
  const model = await startModelServerProcess(TOKENS, TOKEN_DELAY_MS);
  try {
    const pglite = await measureDatabase("pglite", model, { distDir, seconds, profileDir, log });
    let postgres: Awaited<ReturnType<typeof measureDatabase>> | null = null;
    if (postgresUrl) {
      const scratch = await scratchPostgres(postgresUrl, "bench");
      try {
        postgres = await measureDatabase("postgres", model, { distDir, databaseUrl: scratch.url, seconds, profileDir, log });
      } finally {
        await scratch.drop();
      }
    }
    const widget = await widgetGzipBytes();
    const result = {
      ...pglite.bot,
      widget_gzip_bytes: widget,
      model_server: { tokens: TOKENS, token_delay_ms: TOKEN_DELAY_MS },
      machine,
      seconds_total: Math.round((Date.now() - started) / 1000),
      pglite: { bot: pglite.bot, flow: pglite.flow, rss_mb_idle: pglite.rss_mb_idle, rss_mb_after: pglite.rss_mb_after, idle_cpu_ms_per_s: pglite.idle_cpu_ms_per_s, phases: pglite.phases },
      postgres: postgres && { bot: postgres.bot, flow: postgres.flow, rss_mb_idle: postgres.rss_mb_idle, rss_mb_after: postgres.rss_mb_after, idle_cpu_ms_per_s: postgres.idle_cpu_ms_per_s, phases: postgres.phases },
    };
    if (args.json) console.log(JSON.stringify(result));
    else {
      const rows = [["pglite", pglite] as const, ...(postgres ? [["postgres", postgres] as const] : [])];
      for (const [name, figures] of rows) {
        console.log(`\n${name}: bot API    ${JSON.stringify(figures.bot)}`);
        console.log(`${name}: flow-run API ${JSON.stringify(figures.flow)}`);
        console.log(`${name}: RSS idle ${figures.rss_mb_idle} MB, after ${figures.rss_mb_after} MB`);
      }
      console.log(`widget gzip: ${widget} bytes`);
      console.log(`total ${result.seconds_total} s`);
    }
  } finally {
    await model.stop();
  }
}
