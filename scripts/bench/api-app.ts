import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { getFreePort } from "../../tests/support/model-server";

/**
 * The processes `bench api` measures: the stand-in model server and the production build
 * (`next start` on a free loopback port), each its own process as in a real deployment, and the
 * set-up a person would do through the API — owner, flow, publish, keys.
 */
const root = path.resolve(__dirname, "../..");

export interface Child {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
  await exited;
  clearTimeout(timer);
}

/** scripts/model-server.ts in its own process: `tokens` tokens per answer, `delayMs` apart. */
export async function startModelServerProcess(tokens: number, delayMs: number): Promise<Child> {
  const port = await getFreePort();
  const child = spawn(
    process.execPath,
    [path.join(root, "node_modules/tsx/dist/cli.mjs"), path.join(root, "scripts/model-server.ts"), "--port", String(port), "--token-delay", String(delayMs), "--reply-tokens", String(tokens)],
    { cwd: root, stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on("data", (d) => {
      output += d;
      if (output.includes("listening")) resolve();
    });
    child.stderr?.on("data", (d) => (output += d));
    child.once("exit", (code) => reject(new Error(`model server exited (${code}): ${output}`)));
  });
  return { url: `http://127.0.0.1:${port}`, pid: child.pid!, stop: () => stopChild(child) };
}

export interface App extends Child {
  /** Owner session cookie. */
  cookie: string;
  logs(): string;
}

/** `next start` of the build in `distDir` with its own data folder (PGlite) or `databaseUrl`. */
export async function startApp(opts: { modelUrl: string; distDir: string; databaseUrl?: string; nodeArgs?: string[] }): Promise<App> {
  const port = await getFreePort();
  const dataDir = mkdtempSync(path.join(tmpdir(), "trellis-bench-"));
  const owner = { email: "bench@trellis.test", password: randomBytes(18).toString("base64url") };
  let output = "";
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), path.join(root, "node_modules/next/dist/bin/next"), "start", "-p", String(port), "-H", "127.0.0.1"], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: "production",
      NEXT_DIST_DIR: opts.distDir,
      NEXT_TELEMETRY_DISABLED: "1",
      DATA_DIR: dataDir,
      DATABASE_URL: opts.databaseUrl ?? "",
      OLLAMA_BASE_URL: opts.modelUrl,
      TRELLIS_SECRET_KEY: randomBytes(36).toString("base64"),
      TRELLIS_ADMIN_EMAIL: owner.email,
      TRELLIS_ADMIN_PASSWORD: owner.password,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (d) => (output += d));
  child.stderr?.on("data", (d) => (output += d));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`next start exited (${child.exitCode}):\n${output}`);
    if (Date.now() > deadline) throw new Error(`the app did not start in 90 s:\n${output}`);
    const ok = await fetch(`${url}/api/v1/health`).then((r) => r.ok, () => false);
    if (ok) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  const login = await fetch(`${url}/api/v1/auth/login`, { method: "POST", headers: { "content-type": "application/json", origin: url }, body: JSON.stringify(owner) });
  const cookie = login.headers.getSetCookie().find((c) => c.startsWith("trellis_session="))?.split(";")[0];
  if (!cookie) throw new Error(`login failed: ${login.status} ${await login.text()}`);
  return {
    url,
    pid: child.pid!,
    cookie,
    logs: () => output,
    async stop() {
      await stopChild(child);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function call(app: App, method: string, pathname: string, body?: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${app.url}${pathname}`, {
    method,
    headers: { cookie: app.cookie, origin: app.url, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${pathname}: ${res.status} ${text}`);
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

export interface Published {
  flowId: string;
  slug: string;
  botKey: string;
  apiKey: string;
}

/**
 * A new flow (the starter: start → prompt → LLM → answer, on the default provider, which is the
 * Ollama at OLLAMA_BASE_URL), published as a bot whose limits let the benchmark through (the
 * counters are still kept), a bot API key and a workspace API key for the flow-run API.
 */
export async function publishBot(app: App): Promise<Published> {
  const created = (await call(app, "POST", "/api/v1/flows", { name: "Bench bot" })) as { flow: { id: string } };
  const flowId = created.flow.id;
  const published = (await call(app, "POST", `/api/v1/flows/${flowId}/publish`, {})) as { bot: { slug: string } };
  const many = 1_000_000;
  await call(app, "PATCH", `/api/v1/flows/${flowId}/bot`, { settings: { limits: { rpmPerIp: 100_000, rpmPerKey: 100_000, rpmPerUser: 100_000, maxConcurrentRuns: 1_000, dailyTokens: many * 100 } } });
  const botKey = (await call(app, "POST", `/api/v1/flows/${flowId}/bot/keys`, { name: "bench" })) as { key: string };
  const apiKey = (await call(app, "POST", "/api/v1/api-keys", { name: "bench", role: "editor" })) as { secret?: string; key?: string };
  return { flowId, slug: published.bot.slug, botKey: botKey.key, apiKey: String(apiKey.secret ?? apiKey.key) };
}

/** Every process under `pid` (the app and what it started, e.g. the sandbox host). */
function processTree(pid: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {
      // gone
    }
  }
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) for (const [child, parent] of parents) if (parent === tree[i]) tree.push(child);
  return tree;
}

const TICK_MS = 10; // USER_HZ is 100 on Linux

/** CPU time (user + system, ms) used so far by the process tree under `pid`. */
export function cpuMs(pid: number): number {
  let ticks = 0;
  for (const p of processTree(pid)) {
    try {
      const fields = readFileSync(`/proc/${p}/stat`, "utf8").split(") ")[1].split(" ");
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // gone
    }
  }
  return ticks * TICK_MS;
}

/** Resident memory (MB) of the process tree under `pid`. */
export function rssMb(pid: number): number {
  let kb = 0;
  for (const p of processTree(pid)) {
    try {
      kb += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${p}/status`, "utf8"))?.[1] ?? 0);
    } catch {
      // gone
    }
  }
  return Math.round(kb / 1024);
}
