import childProcess from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { validateFlow } from "@/lib/flow/validate";
import { SandboxPool, sharedSandbox } from "@/lib/sandbox";
import { nodeRegistry } from "@/nodes";
import { code } from "@/nodes/code";
import { portsOf } from "@/nodes/define";

/**
 * Checklist C2: saving or validating a code node parses its settings and never evaluates the
 * code (Langflow CVE-2025-3248 ran decorators and default arguments while "validating").
 */
const canary = path.join(tmpdir(), `trellis-c2-canary-${randomUUID()}`);
const C = JSON.stringify(canary);
const payloads = [
  ["an export default IIFE", `export default (() => { require('child_process').execSync('touch ' + ${C}) })()`],
  ["side effects in default parameters", `function main(inputs = require('child_process').execSync('touch ' + ${C})) { return { result: '' } }`],
  ["a top-level statement beside main", `require('fs').writeFileSync(${C}, 'x');\nfunction main() { return { result: '' } }`],
  ["a decorator-like wrapper", `const main = ((f) => { globalThis.process?.mainModule?.require('child_process').execSync('touch ' + ${C}); return f })((i) => ({ result: '' }))`],
] as const;

function flowWith(source: string) {
  return {
    schemaVersion: 1,
    nodes: [
      { id: "start", type: "start", position: { x: 0, y: 0 }, data: {} },
      { id: "code", type: "code", position: { x: 200, y: 0 }, data: { source, inputs: ["text"], outputs: [{ name: "result", kind: "text" }] } },
      { id: "answer", type: "answer", position: { x: 400, y: 0 }, data: {} },
    ],
    edges: [
      { id: "e1", source: "start", sourceHandle: "message", target: "code", targetHandle: "text" },
      { id: "e2", source: "code", sourceHandle: "result", target: "answer", targetHandle: "text" },
    ],
  };
}

afterAll(() => {
  rmSync(canary, { force: true });
  vi.restoreAllMocks();
});

describe("C2 validating code never executes it", () => {
  it.each(payloads)("C2: parsing and validating a flow with %s runs nothing", (_label, source) => {
    const spawns = (["spawn", "spawnSync", "exec", "execSync", "execFile", "execFileSync", "fork"] as const).map((name) => vi.spyOn(childProcess, name));
    const sandboxRun = vi.spyOn(SandboxPool.prototype, "run");
    const shared = sharedSandbox();

    const parsed = code.config.safeParse({ source });
    if (parsed.success) expect(Object.keys(portsOf(code, parsed.data).outputs)).toContain("result");
    const en = validateFlow(flowWith(source), nodeRegistry, "en");
    const zh = validateFlow(flowWith(source), nodeRegistry, "zh");

    // Sources that define main validate; the one without main is refused — by reading, not running.
    expect(en.ok).toBe(source.includes("main"));
    expect(zh.ok).toBe(en.ok);
    if (!en.ok) expect(en.problems.map((p) => p.field)).toContain("source");
    expect(existsSync(canary)).toBe(false);
    for (const spy of spawns) expect(spy).not.toHaveBeenCalled();
    expect(sandboxRun).not.toHaveBeenCalled();
    expect(shared.stats()).toMatchObject({ spawned: 0, runs: 0 });
  });

  it("C2: a config fuzzed with code-looking strings is stored and echoed literally", () => {
    const source = "function main() { return { result: `${7*7}` + \"); process.exit(1); (\" + '{{constructor.constructor(\\'return process\\')()}}' } }";
    const parsed = code.config.parse({ source, inputs: ["text"] });
    expect(parsed.source).toBe(source);
    expect(JSON.parse(JSON.stringify(parsed)).source).toBe(source);
  });
});
