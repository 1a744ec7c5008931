import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { browserSkippedNotice, skipBrowserTests } from "./browser";

const root = path.resolve(__dirname, "../../..");

/**
 * Builds the app once before the end-to-end tests, unless a build newer than every source file
 * is already there (local re-runs). CI always starts from a clean clone, so it always builds.
 */
export default function setup() {
  if (skipBrowserTests) console.warn(browserSkippedNotice);
  // The widget (public/widget.js, not committed) is built from widget/ in a moment, every time.
  execFileSync("npx", ["tsx", "scripts/build-widget.ts"], { cwd: root, stdio: "inherit" });
  const buildId = path.join(root, process.env.NEXT_DIST_DIR || ".next", "BUILD_ID");
  if (process.env.E2E_SKIP_BUILD === "1" && existsSync(buildId)) return;
  if (existsSync(buildId) && !sourcesNewerThan(statSync(buildId).mtimeMs)) return;
  console.info("[e2e] next build …");
  execFileSync("npx", ["next", "build"], { cwd: root, stdio: "inherit", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
  readFileSync(buildId);
}

function sourcesNewerThan(mtime: number): boolean {
  const out = execFileSync("git", ["ls-files", "-m", "-o", "--exclude-standard", "app", "lib", "nodes", "components", "messages", "proxy.ts", "next.config.js"], { cwd: root }).toString();
  const tracked = execFileSync("git", ["log", "-1", "--format=%ct"], { cwd: root }).toString().trim();
  if (Number(tracked) * 1000 > mtime) return true;
  return out
    .split("\n")
    .filter(Boolean)
    .some((file) => existsSync(path.join(root, file)) && statSync(path.join(root, file)).mtimeMs > mtime);
}
