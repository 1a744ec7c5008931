import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { getFreePort } from "../../support/model-server";
import { forgetSession, login, registerSession } from "./auth";

const root = path.resolve(__dirname, "../../..");

export interface AppServer {
  url: string;
  dataDir: string;
  /** The owner created at first start from TRELLIS_ADMIN_EMAIL / TRELLIS_ADMIN_PASSWORD; `cookie` is their session. */
  owner: { email: string; password: string; cookie: string } | null;
  /** The TRELLIS_SECRET_KEY it runs with (pass it again to restart on the same data). */
  secretKey: string;
  logs: () => string;
  /** Ends the server and deletes its data folder (unless it was given in `opts.dataDir`). */
  stop(): Promise<void>;
  /** Kills the server process with a signal (SIGKILL: a crash) and waits for it to exit; the data stays. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * Starts the production build (`next start`) on a free loopback port with its own embedded
 * database folder. The model server is chosen the way a user chooses it: OLLAMA_BASE_URL.
 */
export async function startApp(opts: { ollamaBaseUrl: string; env?: Record<string, string>; withOwner?: boolean; dataDir?: string; owner?: { email: string; password: string }; secretKey?: string }): Promise<AppServer> {
  const port = await getFreePort();
  // A given data folder is reused (a restart after a crash) and kept; a new one is deleted on stop.
  const dataDir = opts.dataDir ?? mkdtempSync(path.join(tmpdir(), "trellis-e2e-"));
  let output = "";
  // Unless a test wants the first-start screen, the owner exists from the start and the suite is logged in.
  const withOwner = opts.withOwner ?? true;
  // A restart on the same data passes the same owner and secret key (stored provider keys are encrypted with it).
  const owner = withOwner ? (opts.owner ?? { email: "owner@trellis.test", password: randomBytes(18).toString("base64url") }) : null;
  const secretKey = opts.secretKey ?? randomBytes(36).toString("base64");
  const child: ChildProcess = spawn(process.execPath, [path.join(root, "node_modules/next/dist/bin/next"), "start", "-p", String(port), "-H", "127.0.0.1"], {
    cwd: root,
    // Production start refuses a missing or sample TRELLIS_SECRET_KEY (C18): each app gets a random one.
    env: { ...process.env, NODE_ENV: "production", DATA_DIR: dataDir, OLLAMA_BASE_URL: opts.ollamaBaseUrl, DATABASE_URL: "", NEXT_TELEMETRY_DISABLED: "1", TRELLIS_SECRET_KEY: secretKey, TRELLIS_ADMIN_EMAIL: owner?.email ?? "", TRELLIS_ADMIN_PASSWORD: owner?.password ?? "", ...opts.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (d) => (output += d));
  child.stderr?.on("data", (d) => (output += d));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`next start exited (${child.exitCode}):\n${output}`);
    try {
      const res = await fetch(`${url}/api/v1/health`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  if (Date.now() >= deadline) throw new Error(`the app did not start in 60 s:\n${output}`);
  const cookie = owner ? await login(url, owner.email, owner.password) : null;
  if (cookie) registerSession(url, cookie);
  return {
    url,
    dataDir,
    owner: owner && cookie ? { ...owner, cookie } : null,
    secretKey,
    logs: () => output,
    async stop() {
      if (child.exitCode === null) {
        child.kill("SIGTERM");
        await new Promise((resolve) => child.once("exit", resolve));
      }
      forgetSession(url);
      if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
    async kill(signal: NodeJS.Signals = "SIGKILL") {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill(signal);
        await exited;
      }
      forgetSession(url);
    },
  };
}
