/**
 * Benchmark dispatcher: `npm run bench -- <suite> [--json]`.
 * Each suite lives in scripts/bench/<suite>.ts and is loaded only when asked for, so a suite's
 * dependencies (a browser for "canvas", a sandbox for "sandbox") never slow the others down.
 * With --json a suite prints exactly one JSON object on stdout, for CI to compare over time.
 * @example npx tsx scripts/bench.ts engine --json
 */
export interface BenchArgs {
  json: boolean;
  /** Arguments after the suite name that are not --json. */
  rest: string[];
}

export interface BenchSuite {
  description: string;
  load: () => Promise<{ run(args: BenchArgs): Promise<void> }>;
}

const suites: Record<string, BenchSuite> = {
  engine: {
    description: "run-flow overhead per node on linear flows of 1, 10 and 50 pass-through nodes",
    load: () => import("./bench/engine"),
  },
  canvas: { description: "300-node / 400-edge canvas in headless Chromium: fps and longest task while dragging a node", load: () => import("./bench/canvas") },
  "run-record": {
    description: "what a run waits for before its first node: input check, redaction and the run row's INSERT (PGlite; PostgreSQL with TEST_DATABASE_URL)",
    load: () => import("./bench/run-record"),
  },
  api: {
    description: "time to first token the bot API and the flow-run API add to the model server at 1/10/50 clients, throughput share, CPU per request (--postgres, --profile DIR)",
    load: () => import("./bench/api"),
  },
  sandbox: {
    description: "code-node latency in the QuickJS sandbox: cold and warm p95, and concurrent runs held",
    load: () => import("./bench/sandbox"),
  },
};

function usage(): string {
  const names = Object.entries(suites).map(([name, suite]) => `  ${name.padEnd(10)} ${suite.description}`);
  return ["usage: npm run bench -- <suite> [--json]", "suites:", ...names].join("\n");
}

async function main(argv: string[]): Promise<number> {
  const json = argv.includes("--json");
  const [name, ...rest] = argv.filter((arg) => arg !== "--json");
  const suite = name !== undefined && Object.hasOwn(suites, name) ? suites[name] : undefined;
  if (!suite) {
    if (name !== undefined) console.error(`unknown suite: ${name}`);
    console.error(usage());
    return 1;
  }
  const mod = await suite.load();
  await mod.run({ json, rest });
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
