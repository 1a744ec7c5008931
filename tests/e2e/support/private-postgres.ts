import { execFileSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import path from "node:path";
import { Client } from "pg";
import { getFreePort } from "../../support/model-server";

/**
 * A PostgreSQL server of the test's own (initdb into a temporary folder, started on a free
 * loopback port), for chaos tests that freeze or stop the server process itself without
 * touching the shared one. Uses the machine's PostgreSQL binaries (and its pgvector); as root
 * it runs them as the `postgres` user, as PostgreSQL refuses to run as root.
 */
export interface PrivatePostgres {
  url: string;
  /** Every process of the server (postmaster and its children). */
  pids(): number[];
  /** SIGSTOP every process: the server accepts TCP connections but answers nothing. */
  freeze(): void;
  /** SIGCONT every process. */
  thaw(): void;
  stop(): Promise<void>;
}

function binDir(): string {
  const base = "/usr/lib/postgresql";
  const versions = existsSync(base) ? readdirSync(base).sort((a, b) => Number(b) - Number(a)) : [];
  const found = versions.map((v) => path.join(base, v, "bin")).find((d) => existsSync(path.join(d, "initdb")));
  if (!found) throw new Error("PostgreSQL server binaries not found under /usr/lib/postgresql (apt-get install postgresql).");
  return found;
}

function asPostgres(cmd: string, args: string[]): string {
  const root = userInfo().uid === 0;
  return execFileSync(root ? "runuser" : cmd, root ? ["-u", "postgres", "--", cmd, ...args] : args, { stdio: ["ignore", "pipe", "pipe"] }).toString();
}

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = binDir();
  const dir = mkdtempSync(path.join(tmpdir(), "trellis-pg-"));
  if (userInfo().uid === 0) {
    const pgUid = Number(execFileSync("id", ["-u", "postgres"]).toString().trim());
    const pgGid = Number(execFileSync("id", ["-g", "postgres"]).toString().trim());
    chownSync(dir, pgUid, pgGid);
  }
  const port = await getFreePort();
  asPostgres(path.join(bin, "initdb"), ["-D", dir, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8"]);
  asPostgres(path.join(bin, "pg_ctl"), ["-D", dir, "-w", "-l", path.join(dir, "server.log"), "-o", `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`, "start"]);
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const client = new Client({ connectionString: url });
  await client.connect();
  await client.query("SET client_min_messages = warning; CREATE EXTENSION IF NOT EXISTS vector");
  await client.end();

  const pids = () => {
    const postmaster = Number(readFileSync(path.join(dir, "postmaster.pid"), "utf8").split("\n")[0]);
    let children: number[] = [];
    try {
      children = execFileSync("pgrep", ["-P", String(postmaster)]).toString().split("\n").filter(Boolean).map(Number);
    } catch {
      // no children
    }
    return [postmaster, ...children];
  };
  const signal = (sig: NodeJS.Signals) => {
    for (const pid of pids()) {
      try {
        process.kill(pid, sig);
      } catch {
        // gone already
      }
    }
  };
  return {
    url,
    pids,
    freeze: () => signal("SIGSTOP"),
    thaw: () => signal("SIGCONT"),
    async stop() {
      signal("SIGCONT");
      try {
        asPostgres(path.join(bin, "pg_ctl"), ["-D", dir, "-m", "immediate", "-w", "stop"]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
