/**
 * Retrieval evaluation: `npm run eval:retrieval -- <dir> [--budget 1500] [--json]`.
 *
 * <dir> holds corpus.jsonl and queries.jsonl (the format of /work/shared/eval). The corpus is
 * ingested into a fresh temporary knowledge base through the product's own pipeline and
 * default settings, every question goes through the product's own retrieval, and the answer /
 * passage hit rates, ingestion speed and query latency are printed (with --json: one JSON
 * object on stdout, progress on stderr). Uses DATABASE_URL when set, else a temporary PGlite
 * folder; both the knowledge base and the temporary folders are removed afterwards.
 *
 * answer_in_context reads the context as the retriever node builds it from the best chunks that
 * fit the budget: neighbouring chunks of one document joined into one excerpt, their overlap
 * counted once (lib/text/excerpts.ts).
 *
 * The embedder is the offline hash embedder by default; TRELLIS_EVAL_EMBEDDER=<provider id>
 * (e.g. "ollama-local", "default" or a stored provider's id) selects another, resolved like the
 * app resolves a knowledge base's provider, with TRELLIS_EVAL_EMBEDDING_MODEL to pick its model.
 * @example npm run eval:retrieval -- /work/shared/eval/cmrc2018_trial_zh --json
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { env } from "@/lib/env";
import { embedderForKnowledgeBase } from "@/lib/server/ingestion";
import { DEFAULT_CONCURRENCY } from "@/lib/jobs/types";
import { OFFLINE_EMBEDDER_MODEL } from "@/lib/providers";
import { resolveProvider } from "@/lib/server/providers";
import { createFileStore } from "@/lib/storage/files";
import { readEvalSet } from "./eval/corpus";
import type { EvalSummary } from "./eval/metrics";
import { runEvaluation } from "./eval/run";

interface Args {
  dir: string;
  budget: number;
  json: boolean;
}

const usage = "usage: npm run eval:retrieval -- <dir with corpus.jsonl and queries.jsonl> [--budget 1500] [--json]";

function parseArgs(argv: string[]): Args {
  let budget = 1500;
  let json = false;
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--json") json = true;
    else if (arg === "--budget" || arg.startsWith("--budget=")) {
      const value = arg.includes("=") ? arg.slice("--budget=".length) : argv[++i];
      budget = Number(value);
      if (!Number.isInteger(budget) || budget < 1) {
        throw new AppError("validation", { en: `--budget must be a positive whole number of characters, not “${value}”.`, zh: `--budget 必须是正整数（字符数），而不是“${value}”。` }, 400);
      }
    } else if (arg.startsWith("--")) {
      throw new AppError("validation", { en: `Unknown option ${arg}.\n${usage}`, zh: `未知选项 ${arg}。\n${usage}` }, 400);
    } else rest.push(arg);
  }
  if (rest.length !== 1) throw new AppError("validation", { en: `Give exactly one evaluation folder.\n${usage}`, zh: `请指定且仅指定一个评测目录。\n${usage}` }, 400);
  return { dir: path.resolve(rest[0]), budget, json };
}

function print(summary: EvalSummary, args: Args, driver: string): void {
  if (args.json) {
    process.stdout.write(`${JSON.stringify(summary)}\n`);
    return;
  }
  const rows: Array<[string, string | number]> = [
    ["set", args.dir],
    ["database", driver],
    ["documents", summary.documents],
    ["chunks", summary.chunks],
    ["queries", summary.queries],
    ["answer_in_top1_chunk", summary.answer_in_top1_chunk.toFixed(3)],
    [`answer_in_context (${args.budget} chars)`, summary.answer_in_context.toFixed(3)],
    ["recall@5 (gold passage)", summary.recall_at_5.toFixed(3)],
    ["mrr@10 (gold passage)", summary.mrr_at_10.toFixed(3)],
    ["ingest seconds", summary.ingest_seconds.toFixed(2)],
    ["chunks per second", summary.chunks_per_second],
    ["query ms p50", summary.query_ms_p50.toFixed(2)],
    ["query ms p95", summary.query_ms_p95.toFixed(2)],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
}

async function main(argv: string[]): Promise<void> {
  const args = parseArgs(argv);
  const set = await readEvalSet(args.dir);
  const log = (line: string) => console.error(`[eval] ${line}`);
  const url = env().DATABASE_URL;
  const scratch = await mkdtemp(path.join(tmpdir(), "trellis-eval-"));
  try {
    const handle = await createDb(url ? { url } : { dataDir: path.join(scratch, "pglite") });
    try {
      const choice = process.env.TRELLIS_EVAL_EMBEDDER?.trim() || "offline";
      const provider = await resolveProvider(handle.db, "local", choice);
      const model = process.env.TRELLIS_EVAL_EMBEDDING_MODEL?.trim() || provider.embeddingModel || (provider.kind === "offline" ? OFFLINE_EMBEDDER_MODEL : "");
      if (!model) {
        throw new AppError("validation", { en: `Provider “${choice}” has no embedding model: set TRELLIS_EVAL_EMBEDDING_MODEL.`, zh: `提供方“${choice}”没有向量模型：请设置 TRELLIS_EVAL_EMBEDDING_MODEL。` }, 400);
      }
      log(`${handle.driver}${url ? "" : " (temporary folder)"}, embedder ${choice} / ${model}, ${set.passages.length} passages, ${set.queries.length} queries`);
      const summary = await runEvaluation(
        {
          db: handle.db,
          files: createFileStore(path.join(scratch, "files")),
          embedderFor: (kb) => embedderForKnowledgeBase(handle.db, kb),
          embedding: { provider: choice, model },
          concurrency: DEFAULT_CONCURRENCY[url ? "pg-boss" : "in-process"],
          log,
        },
        set,
        { budget: args.budget },
      );
      print(summary, args, handle.driver);
    } finally {
      await handle.close();
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof AppError) console.error(`${error.localized.en}\n${error.localized.zh}`);
  else console.error(error);
  process.exitCode = 1;
});
