import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { SandboxPool, type SandboxHostInfo } from "@/lib/sandbox";
import { emptyReadOnlyDir, networkIsolationAvailable, sandboxFile, sandboxHostCommand, sandboxHostUser } from "@/lib/sandbox/host-process";
import type { HostEvent, HostProbeResult } from "@/lib/sandbox/types";
import { expectSandboxError, testLimits } from "./helpers";

/**
 * Checklist C13, second wall: the QuickJS worker threads live in a separate sandbox host process
 * with no environment, an empty read-only working directory, Node's permission model (no writes,
 * no child processes) and, when the server is root, the `nobody` user. These tests look at the
 * host from outside (/proc) where they can, and make it try what it must not do.
 */
const onLinux = process.platform === "linux";
const canary = path.join(tmpdir(), `trellis-c13-host-canary-${randomUUID()}`);
const pools: SandboxPool[] = [];

function newPool(size: number): SandboxPool {
  const pool = new SandboxPool({ size });
  pools.push(pool);
  return pool;
}

afterAll(async () => {
  await Promise.all(pools.map((pool) => pool.close()));
  rmSync(canary, { force: true });
  delete process.env.TRELLIS_TEST_SECRET;
});

/** The status lines of a process (Linux), e.g. Uid:	65534	65534	65534	65534. */
function procStatus(pid: number): Record<string, string> {
  return Object.fromEntries(
    readFileSync(`/proc/${pid}/status`, "utf8")
      .split("\n")
      .filter(Boolean)
      .map((line) => [line.slice(0, line.indexOf(":")), line.slice(line.indexOf(":") + 1).trim()]),
  );
}

describe("C13 the sandbox host process", () => {
  it("C13 the code runs in another process with another pid/uid and no environment", async () => {
    process.env.TRELLIS_TEST_SECRET = `host-secret-${randomUUID()}`;
    const pool = newPool(1);
    expect(pool.hostInfo()).toBeUndefined();
    const { outputs } = await pool.run({ source: "function main(i) { return { text: i.text + '，你好' } }", inputs: { text: "沙箱" }, ...testLimits });
    expect(outputs).toEqual({ text: "沙箱，你好" });

    const info = pool.hostInfo() as SandboxHostInfo;
    expect(info.pid).not.toBe(process.pid);
    expect(info.envKeys).toEqual([]);
    expect(info.permissions).toEqual({ enforced: true, fsWrite: false, childProcess: false, worker: true });
    // Its working directory is a fresh, empty folder nobody may write to.
    expect(info.cwd).not.toBe(process.cwd());
    expect(readdirSync(info.cwd)).toEqual([]);
    expect(statSync(info.cwd).mode & 0o222).toBe(0);
    const user = sandboxHostUser();
    if (process.getuid?.() === 0) {
      expect(user).toBeDefined();
      expect(info.uid).toBe(user?.uid);
      expect(info.gid).toBe(user?.gid);
      expect(info.uid).not.toBe(0);
    } else {
      expect(info.uid).toBe(process.getuid?.());
    }

    if (onLinux) {
      // Seen from outside, not only as the host says: its uid, its (empty) environment, its flags.
      const status = procStatus(info.pid);
      expect(status.Uid.split(/\s+/).map(Number)).toEqual([info.uid, info.uid, info.uid, info.uid]);
      expect(status.PPid).toBe(String(process.pid));
      // Only what Node's IPC needs to find its channel (removed from process.env at start-up).
      const environ = readFileSync(`/proc/${info.pid}/environ`, "utf8").split("\0").filter(Boolean);
      expect(environ.map((entry) => entry.slice(0, entry.indexOf("="))).sort()).toEqual(["NODE_CHANNEL_FD", "NODE_CHANNEL_SERIALIZATION_MODE"]);
      expect(environ.join("\n")).not.toContain(process.env.TRELLIS_TEST_SECRET);
      const argv = readFileSync(`/proc/${info.pid}/cmdline`, "utf8").split("\0");
      expect(argv).toContain("--experimental-permission");
      expect(argv).toContain("--allow-worker");
      expect(argv.filter((arg) => /^--allow-(fs-write|child-process|addons|wasi)/.test(arg) || arg === "--diagnostics")).toEqual([]);
      expect(argv.filter((arg) => arg.startsWith("--allow-fs-read=")).map((arg) => arg.slice("--allow-fs-read=".length))).not.toContain(process.cwd());
      if (networkIsolationAvailable()) {
        // A network namespace of its own: nothing but a loopback that is down.
        expect(readlinkSync(`/proc/${info.pid}/ns/net`)).not.toBe(readlinkSync(`/proc/${process.pid}/ns/net`));
        expect(readFileSync(`/proc/${info.pid}/net/dev`, "utf8").split("\n").slice(2).filter(Boolean).map((l) => l.trim().split(":")[0])).toEqual(["lo"]);
      }
    }
  });

  it("C13 as root the host gets no network at the OS level (its own network namespace)", () => {
    // In CI (root, util-linux) this must hold; elsewhere (not root, or no CAP_SYS_ADMIN) it is documented as missing.
    if (process.getuid?.() !== 0 || !onLinux) return;
    expect(networkIsolationAvailable()).toBe(true);
    const { command, args } = sandboxHostCommand({ workerFile: "/dev/null", cwd: "/", heapMb: 64 });
    expect(command).toBe("/usr/bin/unshare");
    expect(args.slice(0, 2)).toEqual(["--net", "--"]);
    expect(args).toContain("--clear-groups");
  });

  it("C13 the sandbox host killed mid-run: the run fails with a sandbox error and the next run works", async () => {
    const pool = newPool(1);
    await pool.warm();
    const first = pool.hostInfo() as SandboxHostInfo;
    const running = pool.run({ source: "function main() { for (;;) {} }", inputs: {}, ...testLimits, timeoutMs: 30_000 });
    // Queued behind the runaway script when the host dies: these must run on the next host.
    const queued = [1, 2].map((n) => pool.run({ source: "function main(i) { return { n: i.n * 10 } }", inputs: { n }, ...testLimits }));
    await vi.waitFor(() => expect(pool.stats()).toMatchObject({ busy: 1, queued: 2 }));

    process.kill(first.pid, "SIGKILL");
    const error = await expectSandboxError(running, "SANDBOX_CRASHED");
    expect(error.messageIn("en")).toContain("SIGKILL");

    expect((await Promise.all(queued)).map((r) => r.outputs)).toEqual([{ n: 10 }, { n: 20 }]);
    const next = await pool.run({ source: "function main() { return { ok: '好' } }", inputs: {}, ...testLimits });
    expect(next.outputs).toEqual({ ok: "好" });
    const second = pool.hostInfo() as SandboxHostInfo;
    expect(second.pid).not.toBe(first.pid);
    expect(pool.stats().hosts).toBe(2);
    // The dead host was reaped, and its working directory removed.
    if (onLinux) expect(existsSync(`/proc/${first.pid}`)).toBe(false);
    expect(existsSync(first.cwd)).toBe(false);
  });

  it("C13 the host cannot write files or spawn processes", async () => {
    // Started exactly as the pool starts it, plus --diagnostics, which makes it answer a probe.
    const cwd = emptyReadOnlyDir();
    const { command, args, options } = sandboxHostCommand({ workerFile: sandboxFile("worker.mjs"), cwd, heapMb: 96, diagnostics: true });
    const child = spawn(command, args, options);
    try {
      const events: HostEvent[] = [];
      child.on("message", (event: HostEvent) => events.push(event));
      await vi.waitFor(() => expect(events.some((e) => e.type === "hello")).toBe(true), { timeout: 15_000 });
      child.send({ type: "probe", canary });
      await vi.waitFor(() => expect(events.some((e) => e.type === "probe")).toBe(true), { timeout: 15_000 });
      const { result } = events.find((e) => e.type === "probe") as { result: HostProbeResult };
      const denied = { writeFile: "ERR_ACCESS_DENIED", writeCwd: "ERR_ACCESS_DENIED", spawnProcess: "ERR_ACCESS_DENIED", readOutside: "ERR_ACCESS_DENIED" };
      expect(result.main).toEqual(denied);
      // The worker threads, where QuickJS runs, are bound by the same process-wide permissions.
      expect(result.thread).toEqual(denied);
      expect(existsSync(canary)).toBe(false);
      expect(readdirSync(cwd)).toEqual([]);
    } finally {
      child.kill("SIGKILL");
      rmSync(cwd, { recursive: true, force: true });
    }
  });
});
