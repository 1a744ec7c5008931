import { readFileSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import { SandboxPool } from "@/lib/sandbox";
import type { NodeContext } from "@/nodes/context";
import { code } from "@/nodes/code";
import type { BenchArgs } from "../bench";

/**
 * Code-node latency through the real sandbox (QuickJS in WebAssembly on worker threads of a
 * separate sandbox host process).
 * - cold: the first run on a brand-new pool (host process start + worker thread start +
 *   WebAssembly load + run), p95 over fresh starts. Target ≤ 300 ms.
 * - warm: a trivial code-node run on a pool whose workers are up, p95. Target ≤ 30 ms.
 * - concurrency: CONCURRENT code-node runs fired at once on one pool; each result is checked.
 *   Target: ≥ 50 complete without error.
 * Options after the suite name: --cold N, --warm N, --concurrent N.
 */
const TARGETS = { cold_ms_p95: 300, warm_ms_p95: 30, concurrent_ok: 50 };
const source = `function main(inputs) {
  const text = String(inputs.text ?? "");
  return { result: text + "！", length: [...text].length };
}`;
const settings = code.config.parse({ source });

function option(rest: string[], name: string, fallback: number): number {
  const index = rest.indexOf(`--${name}`);
  const value = index >= 0 ? Number(rest[index + 1]) : NaN;
  return Number.isInteger(value) && value > 0 ? value : fallback;
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

function contextFor(pool: SandboxPool): NodeContext {
  return {
    signal: new AbortController().signal,
    locale: "zh",
    run: { message: "", history: [], variables: {} },
    emitToken: () => undefined,
    chat: () => Promise.reject(new Error("no model in the sandbox benchmark")),
    fetch: () => Promise.reject(new Error("no network in the sandbox benchmark")),
    runCode: (request) => pool.run(request),
  };
}

/** One code-node run; throws unless the outputs are exactly what the code computes. */
async function codeRun(ctx: NodeContext, text: string): Promise<number> {
  const started = performance.now();
  const outputs = await code.run({ config: settings, inputs: { text }, ctx });
  const elapsed = performance.now() - started;
  if (outputs.result !== `${text}！` || outputs.length !== [...text].length) throw new Error(`wrong outputs for ${text}: ${JSON.stringify(outputs)}`);
  return elapsed;
}

/** CPU time of another process so far, in ms (Linux /proc; USER_HZ is 100), or 0 where unknown. */
function processCpuMs(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return 0;
  }
}

/** Resident memory of another process, in MB (Linux /proc), or undefined where unknown. */
function processRssMb(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const line = readFileSync(`/proc/${pid}/status`, "utf8").match(/^VmRSS:\s+(\d+) kB/m);
    return line ? Number(line[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Wall-clock times, and the CPU time spent meanwhile by this process and the sandbox host
 * process (all threads of both): on a busy machine the wall clock mostly measures waiting for a
 * core, the CPU time what a start costs.
 */
async function cold(runs: number): Promise<{ wall: number[]; cpu: number[]; hostCpu: number[] }> {
  const wall: number[] = [];
  const cpu: number[] = [];
  const hostCpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const pool = new SandboxPool({ size: 1 });
    try {
      const before = process.cpuUsage();
      wall.push(await codeRun(contextFor(pool), `冷启动 ${i}`));
      const used = process.cpuUsage(before);
      const host = processCpuMs(pool.hostInfo()?.pid);
      hostCpu.push(host);
      cpu.push((used.user + used.system) / 1000 + host);
    } finally {
      await pool.close();
    }
  }
  return { wall, cpu, hostCpu };
}

async function warm(runs: number): Promise<{ times: number[]; hostRssMb?: number; workers: number }> {
  const pool = new SandboxPool();
  try {
    await pool.warm();
    const ctx = contextFor(pool);
    for (let i = 0; i < 50; i++) await codeRun(ctx, `预热 ${i}`);
    const times: number[] = [];
    for (let i = 0; i < runs; i++) times.push(await codeRun(ctx, `热运行 ${i}`));
    return { times, hostRssMb: processRssMb(pool.hostInfo()?.pid), workers: pool.stats().workers };
  } finally {
    await pool.close();
  }
}

async function concurrent(count: number): Promise<{ ok: number; failed: number; wallMs: number; errors: string[] }> {
  const pool = new SandboxPool();
  try {
    await pool.warm();
    // One context per run, as the engine gives each node execution its own signal.
    const started = performance.now();
    const settled = await Promise.allSettled(Array.from({ length: count }, (_, i) => codeRun(contextFor(pool), `并发 ${i}`)));
    const wallMs = performance.now() - started;
    const errors = settled.flatMap((s) => (s.status === "rejected" ? [String((s.reason as Error)?.message ?? s.reason)] : []));
    return { ok: count - errors.length, failed: errors.length, wallMs, errors: [...new Set(errors)].slice(0, 5) };
  } finally {
    await pool.close();
  }
}

const round = (n: number) => Number(n.toFixed(2));

export async function run(args: BenchArgs): Promise<void> {
  const coldRuns = option(args.rest, "cold", 20);
  const warmRuns = option(args.rest, "warm", 300);
  const concurrency = option(args.rest, "concurrent", 64);
  const { wall: coldTimes, cpu: coldCpu, hostCpu: coldHostCpu } = await cold(coldRuns);
  const { times: warmTimes, hostRssMb, workers } = await warm(warmRuns);
  const parallel = await concurrent(concurrency);
  const result = {
    suite: "sandbox",
    cold_ms_p50: round(quantile(coldTimes, 0.5)),
    cold_ms_p95: round(quantile(coldTimes, 0.95)),
    cold_cpu_ms_p50: round(quantile(coldCpu, 0.5)),
    cold_cpu_ms_p95: round(quantile(coldCpu, 0.95)),
    cold_host_cpu_ms_p50: round(quantile(coldHostCpu, 0.5)),
    host_rss_mb: hostRssMb === undefined ? null : round(hostRssMb),
    host_workers: workers,
    load_average_1m: round(loadavg()[0]),
    cpus: availableParallelism(),
    warm_ms_p50: round(quantile(warmTimes, 0.5)),
    warm_ms_p95: round(quantile(warmTimes, 0.95)),
    concurrent_ok: parallel.ok,
    concurrent_failed: parallel.failed,
    concurrent_fired: concurrency,
    concurrent_wall_ms: round(parallel.wallMs),
    runs: { cold: coldRuns, warm: warmRuns },
    targets: TARGETS,
    met: {
      cold: quantile(coldTimes, 0.95) <= TARGETS.cold_ms_p95,
      warm: quantile(warmTimes, 0.95) <= TARGETS.warm_ms_p95,
      concurrent: parallel.ok >= TARGETS.concurrent_ok,
    },
  };
  if (args.json) {
    console.log(JSON.stringify(parallel.errors.length > 0 ? { ...result, concurrent_errors: parallel.errors } : result));
    return;
  }
  const verdict = (ok: boolean) => (ok ? "met" : "NOT met");
  console.log("Code node through the QuickJS/WebAssembly sandbox (worker threads in a sandbox host process)\n");
  console.log(`cold  (first run on a fresh pool, ${coldRuns} starts)  p50 ${result.cold_ms_p50} ms  p95 ${result.cold_ms_p95} ms  — target ≤ ${TARGETS.cold_ms_p95} ms: ${verdict(result.met.cold)}`);
  console.log(`      CPU per cold start (server + host)     p50 ${result.cold_cpu_ms_p50} ms  p95 ${result.cold_cpu_ms_p95} ms  (host alone p50 ${result.cold_host_cpu_ms_p50} ms; load average ${result.load_average_1m} on ${result.cpus} CPUs)`);
  console.log(`warm  (${warmRuns} sequential runs)                p50 ${result.warm_ms_p50} ms  p95 ${result.warm_ms_p95} ms  — target ≤ ${TARGETS.warm_ms_p95} ms: ${verdict(result.met.warm)}`);
  console.log(`host process  ${result.host_rss_mb ?? "?"} MB resident with ${workers} warm worker threads`);
  console.log(`concurrent  ${parallel.ok}/${concurrency} ok in ${result.concurrent_wall_ms} ms  — target ≥ ${TARGETS.concurrent_ok}: ${verdict(result.met.concurrent)}`);
  for (const error of parallel.errors) console.log(`  error: ${error}`);
}
