/**
 * Sums a V8 .cpuprofile's self time by module and by function, to see where a server's CPU goes
 * (`npm run bench -- api --profile DIR` writes one per process of the app).
 * @example npx tsx scripts/bench/profile-summary.ts /tmp/prof/CPU.*.cpuprofile --top 40
 */
import { readFileSync } from "node:fs";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** A readable module name: the package under node_modules, the app's source path, or a builtin. */
function moduleOf(url: string): string {
  if (!url) return "(vm)";
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) {
    const inner = /node_modules\/(?:@[^/]+\/)?[^/]+\/(.*)$/.exec(url)?.[1] ?? "";
    return pkg[1] === "next" ? `next/${inner.split("/").slice(0, 4).join("/")}` : pkg[1];
  }
  if (url.startsWith("node:")) return url;
  const chunk = /\.next[^/]*\/(server\/.*)$/.exec(url);
  if (chunk) return chunk[1];
  return url.replace(/^file:\/\//, "");
}

function main(argv: string[]): void {
  const value = (name: string) => (argv.indexOf(name) >= 0 ? Number(argv[argv.indexOf(name) + 1]) : undefined);
  const top = value("--top") ?? 30;
  // Only samples taken after this many seconds of the profile (skips start-up and warm-up).
  const afterUs = (value("--after") ?? 0) * 1e6;
  const files = argv.filter((a, i) => !a.startsWith("--") && !argv[i - 1]?.startsWith("--"));
  const perSecond: number[] = [];
  const byModule = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let total = 0;
  for (const file of files) {
    const profile = JSON.parse(readFileSync(file, "utf8")) as Profile;
    const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
    let at = 0;
    for (let i = 0; i < profile.samples.length; i++) {
      const node = nodes.get(profile.samples[i]);
      const us = profile.timeDeltas[i] ?? 0;
      at += us;
      if (!node) continue;
      const { functionName, url, lineNumber } = node.callFrame;
      if (functionName === "(idle)") continue;
      const second = Math.floor(at / 1e6);
      perSecond[second] = (perSecond[second] ?? 0) + us;
      if (at < afterUs) continue;
      total += us;
      const mod = moduleOf(url);
      byModule.set(mod, (byModule.get(mod) ?? 0) + us);
      const fn = `${functionName || "(anonymous)"} ${mod}:${lineNumber + 1}`;
      byFunction.set(fn, (byFunction.get(fn) ?? 0) + us);
    }
  }
  const print = (title: string, map: Map<string, number>) => {
    console.log(`\n${title}`);
    for (const [name, us] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) {
      console.log(`${(us / 1000).toFixed(0).padStart(8)} ms ${((us / total) * 100).toFixed(1).padStart(5)} %  ${name}`);
    }
  };
  console.log(`busy: ${(total / 1000).toFixed(0)} ms (idle excluded) in ${files.length} profile(s)`);
  console.log(`busy ms per second of the profile: ${Array.from(perSecond, (us) => Math.round((us ?? 0) / 1000)).join(" ")}`);
  print("self time by module", byModule);
  print("self time by function", byFunction);
}

main(process.argv.slice(2));
