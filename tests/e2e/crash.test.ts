import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Client } from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultReply, startModelServer, type ModelServer } from "../support/model-server";
import { authFetch } from "./support/auth";
import { startApp, type AppServer } from "./support/app-server";
import { collectRun, json, type WireEvent } from "./support/sse";
import { scratchPostgres } from "../support/scratch-postgres";

/*
 * C22 crash: the production app is SIGKILLed while a run streams its answer and a document is
 * half embedded, then started again on the same data — on the embedded PGlite and on a
 * PostgreSQL database of its own. After the restart the run says "interrupted" and keeps the
 * partial answer; the document finishes by itself, with exactly the chunks a clean ingestion of
 * the same file gives, without embedding again what was stored before the kill; flows and
 * knowledge-base settings are as they were.
 */

const DOCS = "/work/shared/fixtures/docs";
/** Chinese and English fixtures, concatenated into one long document (~67 000 characters). */
const SOURCES = [
  "zh/statistics-law-2024-09-13.md",
  "en/cc-by-4.0-legalcode.txt",
  "zh/private-economy-promotion-law.txt",
  "en/fedramp-working-with-oscal.md",
  "zh/chinese-copywriting-guidelines.zh-Hans.md",
  "en/chinese-copywriting-guidelines.en.md",
  "zh/chinese-copywriting-guidelines.zh-Hant.md",
];
/** Small chunks, so the document has many ingestion batches (128 chunks each) to be killed between. */
const CHUNKING = { mode: "general", chunkSize: 60, chunkOverlap: 0, parentSize: 1200 } as const;
/** Each embedding request (32 texts) waits this long: a batch of 128 chunks takes over a second. */
const EMBED_DELAY_MS = 300;
/** Per streamed token: the answer below takes ~10 s to stream. */
const TOKEN_DELAY_MS = 150;
const MESSAGE =
  "please write a long answer about what happens to a studio when its server process is killed without warning in the middle of its work, which records survive on disk, how the ingestion queue resumes the documents it was embedding, and how the trace of a streaming run keeps the partial answer that had arrived";
const EXPECTED_ANSWER = defaultReply([{ role: "user", content: MESSAGE }]);

const adminUrl = process.env.TEST_DATABASE_URL;
if (!adminUrl && process.env.CI === "true") throw new Error("CI=true but TEST_DATABASE_URL is not set: the crash test needs PostgreSQL.");

interface Doc {
  id: string;
  name: string;
  status: string;
  chunkCount: number;
  chunksEmbedded: number;
  error: unknown;
}
interface ChunkRow {
  documentId: string;
  index: number;
  text: string;
  start: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number, logs?: () => string, diagnose?: () => Promise<string>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) {
      const detail = diagnose ? `\n--- database ---\n${await diagnose().catch((e: unknown) => String(e))}` : "";
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${detail}${logs ? `\n--- app logs ---\n${logs().slice(-4000)}` : ""}`);
    }
    await sleep(150);
  }
}

async function documents(app: AppServer, kbId: string): Promise<Doc[]> {
  const res = await json(`${app.url}/api/v1/knowledge-bases/${kbId}/documents`);
  if (res.status !== 200) throw new Error(`listing documents: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.documents as Doc[];
}

async function upload(app: AppServer, kbId: string, file: string): Promise<void> {
  const form = new FormData();
  form.append("files", new Blob([readFileSync(file)]), path.basename(file));
  const res = await authFetch(`${app.url}/api/v1/knowledge-bases/${kbId}/documents`, { method: "POST", body: form });
  const body = await res.json();
  expect(res.status, JSON.stringify(body)).toBe(202);
  expect(body.results.map((r: { status: string }) => r.status)).toEqual(["queued"]);
}

async function waitReady(app: AppServer, kbId: string, timeoutMs: number, diagnose?: () => Promise<string>): Promise<Doc> {
  let last: Doc[] = [];
  return until(
    `the document of ${kbId} to be ready`,
    async () => {
      last = await documents(app, kbId);
      const [doc, ...more] = last;
      if (more.length) throw new Error(`expected one document, found ${1 + more.length}`);
      if (doc?.status === "failed") throw new Error(`ingestion failed: ${JSON.stringify(doc.error)}`);
      return doc?.status === "ready" ? doc : undefined;
    },
    timeoutMs,
    () => `documents: ${JSON.stringify(last.map((d) => [d.status, d.chunksEmbedded, d.chunkCount]))}\n${app.logs()}`,
    diagnose,
  );
}

/** Every chunk of a knowledge base, page by page (200 is the API's page limit). */
async function allChunks(app: AppServer, kbId: string): Promise<ChunkRow[]> {
  const rows: ChunkRow[] = [];
  for (let offset = 0; ; offset += 200) {
    const res = await json(`${app.url}/api/v1/knowledge-bases/${kbId}/chunks?offset=${offset}&limit=200`);
    expect(res.status).toBe(200);
    rows.push(...(res.body.chunks as ChunkRow[]));
    if (offset + 200 >= res.body.total) {
      expect(rows).toHaveLength(res.body.total);
      return rows;
    }
  }
}

/** The texts the app sent to the model server's embedding endpoint, in requests[from..]. */
function embeddedTexts(models: ModelServer, from = 0): string[] {
  return models.requests
    .slice(from)
    .filter((r) => r.path === "/api/embed")
    .flatMap((r) => {
      const input = (r.body as { input?: unknown }).input;
      return Array.isArray(input) ? input.map(String) : [String(input)];
    });
}

/** What a restart must leave unchanged in a knowledge base's settings. */
const settingsOf = (kb: Record<string, unknown>) => ({
  id: kb.id,
  name: kb.name,
  description: kb.description,
  embeddingProvider: kb.embeddingProvider,
  embeddingModel: kb.embeddingModel,
  chunking: kb.chunking,
  retrieval: kb.retrieval,
});


interface TestDatabase {
  env: Record<string, string>;
  drop(): Promise<void>;
  /** What the database knows about the ingestion jobs, for a failure message. */
  diagnose(): Promise<string>;
}

/** The ingestion jobs pg-boss holds (state, retries, start), one line each. */
async function pgBossJobs(url: string): Promise<string> {
  const c = new Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  await c.connect();
  try {
    const { rows } = await c.query("SELECT id, state, singleton_key, retry_count, started_on, created_on, policy FROM pgboss.job WHERE name = 'ingest-document' ORDER BY created_on");
    return rows.map((r) => JSON.stringify(r)).join("\n") || "(no ingestion jobs)";
  } finally {
    await c.end();
  }
}

function crashSuite(label: "pglite" | "postgres", database: () => Promise<TestDatabase>) {
  describe(`C22 crash [${label}]: SIGKILL mid-stream and mid-ingestion, then restart on the same data`, () => {
    let models: ModelServer;
    let app: AppServer;
    let db: TestDatabase | undefined;
    let workDir = "";
    let corpus = "";
    let flowId = "";
    let crashKbId = "";
    let cleanKbId = "";
    let flowBefore: Record<string, unknown> = {};
    let crashKbBefore: Record<string, unknown> = {};
    let cleanKbBefore: Record<string, unknown> = {};
    let versionsBefore: unknown[] = [];
    // What the kill left behind.
    let runId = "";
    let streamed = "";
    let atKill: Doc | undefined;
    let requestsAtKill = 0;
    let resumedDoc: Doc | undefined;

    beforeAll(async () => {
      db = await database();
      workDir = mkdtempSync(path.join(tmpdir(), "trellis-crash-"));
      corpus = path.join(workDir, "crash-corpus.md");
      writeFileSync(corpus, SOURCES.map((f) => readFileSync(path.join(DOCS, f), "utf8")).join("\n\n"));
      models = await startModelServer({ tokenDelayMs: 1 });
      const dataDir = path.join(workDir, "data");
      mkdirSync(dataDir);
      app = await startApp({ ollamaBaseUrl: models.url, env: db.env, dataDir });

      const flow = await json(`${app.url}/api/v1/flows`, { method: "POST", body: { name: "崩溃恢复 crash flow", description: "kept across a SIGKILL" } });
      expect(flow.status, JSON.stringify(flow.body)).toBe(201);
      flowId = flow.body.flow.id;
      expect((await json(`${app.url}/api/v1/flows/${flowId}/versions`, { method: "POST", body: { note: "before the crash" } })).status).toBe(201);
      flowBefore = (await json(`${app.url}/api/v1/flows/${flowId}`)).body.flow;
      versionsBefore = (await json(`${app.url}/api/v1/flows/${flowId}/versions`)).body.versions;

      const kb = async (name: string) => {
        const res = await json(`${app.url}/api/v1/knowledge-bases`, {
          method: "POST",
          body: { name, description: `${name} — crash test`, chunking: CHUNKING, retrieval: { mode: "hybrid", topK: 7, scoreThreshold: 0.1 } },
        });
        expect(res.status, JSON.stringify(res.body)).toBe(201);
        // Embedded by the test model server (Ollama), so ingestion is as slow as the test wants.
        expect(res.body.knowledgeBase.embeddingProvider).toBe("ollama-local");
        return res.body.knowledgeBase as Record<string, unknown>;
      };
      crashKbBefore = await kb("崩溃中 crashed");
      cleanKbBefore = await kb("对照 clean");
      crashKbId = String(crashKbBefore.id);
      cleanKbId = String(cleanKbBefore.id);
    });

    afterAll(async () => {
      await app?.stop();
      await models?.close();
      await db?.drop();
      if (workDir) rmSync(workDir, { recursive: true, force: true });
    });

    it("C22 the app is SIGKILLed while a run streams its answer and a document is half embedded", { timeout: 120_000 }, async () => {
      // ARRANGE: slow embeddings and slow tokens
      models.setBehaviour({ embedDelayMs: EMBED_DELAY_MS, slowTokens: TOKEN_DELAY_MS });
      await upload(app, crashKbId, corpus);
      // the first batch is stored: ingestion is under way
      await until("the first stored batch", async () => {
        const [doc] = await documents(app, crashKbId);
        return doc?.status === "embedding" && doc.chunksEmbedded > 0 ? doc : undefined;
      }, 60_000, app.logs);

      // ACT 1: a run starts streaming
      const tokens: string[] = [];
      let firstTokenAt = 0;
      const running = collectRun(`${app.url}/api/v1/flows/${flowId}/runs`, { message: MESSAGE }, {
        onEvent: (event: WireEvent) => {
          runId ||= event.runId;
          if (event.type === "token") {
            firstTokenAt ||= Date.now();
            tokens.push(event.text);
          }
        },
      }).then(
        (result) => ({ result, error: undefined }),
        (error: unknown) => ({ result: undefined, error }),
      );
      // … long enough for the trace writer (one save per 500 ms) to have stored part of it
      await until("a dozen streamed tokens", async () => (tokens.length >= 12 && Date.now() - firstTokenAt > 1_500 ? true : undefined), 30_000, app.logs);

      // ACT 2: SIGKILL, with the answer half streamed and the document half embedded
      const [doc] = await documents(app, crashKbId);
      atKill = doc;
      requestsAtKill = models.requests.length;
      await app.kill("SIGKILL");
      const ended = await running;
      streamed = tokens.join("");

      // ASSERT: the kill really happened mid-way through both
      expect(runId).not.toBe("");
      expect(ended.result?.events.some((e) => e.type === "run-finished") ?? false, "the run must not have finished before the kill").toBe(false);
      expect(streamed.length).toBeGreaterThan(0);
      expect(streamed.length).toBeLessThan(EXPECTED_ANSWER.length);
      expect(atKill.status).toBe("embedding");
      expect(atKill.chunksEmbedded).toBeGreaterThan(0);
      expect(atKill.chunksEmbedded).toBeLessThan(atKill.chunkCount);
      console.info(
        `[crash ${label}] SIGKILL at ${atKill.chunksEmbedded}/${atKill.chunkCount} chunks stored (${embeddedTexts(models).length} texts sent to /api/embed so far), ` +
          `${tokens.length} tokens (${streamed.length} of ${EXPECTED_ANSWER.length} characters) streamed`,
      );

      // ACT 3: restart on the same data, with a fast model server again
      models.setBehaviour({});
      app = await startApp({ ollamaBaseUrl: models.url, env: db!.env, dataDir: app.dataDir, owner: app.owner!, secretKey: app.secretKey });
    });

    it("C22 after the restart the run is interrupted, and its LLM step keeps the partial answer", async () => {
      expect(runId, "the kill test did not run").not.toBe("");
      const res = await json(`${app.url}/api/v1/runs/${runId}`);
      expect(res.status).toBe(200);
      const run = res.body.run;
      expect(run.status).toBe("interrupted");
      expect(run.error?.code).toBe("INTERRUPTED");
      expect(run.finishedAt).toBeTruthy();
      const llm = run.steps.find((s: { nodeId: string }) => s.nodeId === "llm");
      expect(llm, JSON.stringify(run.steps.map((s: { nodeId: string; status: string }) => [s.nodeId, s.status]))).toBeDefined();
      expect(llm.status).toBe("failed");
      expect(llm.error?.code).toBe("INTERRUPTED");
      // What was saved (at most 500 ms behind the stream) is a non-empty prefix of what was streamed.
      const partial = String(llm.outputs.partial ?? "");
      expect(partial.length).toBeGreaterThan(0);
      expect(streamed.startsWith(partial), `stored ${JSON.stringify(partial)} vs streamed ${JSON.stringify(streamed)}`).toBe(true);
      expect(EXPECTED_ANSWER.startsWith(partial)).toBe(true);
      // Nothing is left "running", and nodes after the LLM never started.
      expect(run.steps.filter((s: { status: string }) => s.status === "running")).toEqual([]);
      expect(run.steps.find((s: { nodeId: string }) => s.nodeId === "answer")?.status ?? "not started").not.toBe("succeeded");
      console.info(`[crash ${label}] run ${runId}: ${run.status}; partial answer kept: ${partial.length} of ${streamed.length} streamed characters`);
    });

    it("C22 the document resumes by itself and becomes ready, without embedding the stored batches again", { timeout: 90_000 }, async () => {
      expect(atKill, "the kill test did not run").toBeDefined();
      resumedDoc = await waitReady(app, crashKbId, 60_000, db!.diagnose);
      expect(resumedDoc.id).toBe(atKill!.id);
      expect(resumedDoc.chunkCount).toBe(atKill!.chunkCount);
      expect(resumedDoc.chunksEmbedded).toBe(resumedDoc.chunkCount);
      const after = embeddedTexts(models, requestsAtKill);
      const total = resumedDoc.chunkCount;
      console.info(
        `[crash ${label}] resumed: ${after.length} texts embedded after the restart for ${total - atKill!.chunksEmbedded} chunks not yet stored at the kill (total ${total})`,
      );
      // The batches seen stored before the kill were not embedded again; the rest was.
      expect(after.length).toBeGreaterThan(0);
      expect(after.length, `the app's log after the restart:\n${app.logs().slice(-3000)}`).toBeLessThanOrEqual(total - atKill!.chunksEmbedded);
    });

    it("C22 the resumed document has exactly the chunks of a clean ingestion of the same file: no duplicates, no gaps", { timeout: 150_000 }, async () => {
      expect(resumedDoc, "the resume test did not pass").toBeDefined();
      await upload(app, cleanKbId, corpus);
      const clean = await waitReady(app, cleanKbId, 120_000);
      const resumed = await allChunks(app, crashKbId);
      const reference = await allChunks(app, cleanKbId);
      console.info(`[crash ${label}] chunks: resumed ${resumed.length}, clean ingestion ${reference.length}`);
      expect(clean.chunkCount).toBe(resumedDoc!.chunkCount);
      expect(resumed).toHaveLength(reference.length);
      expect(resumed.map((c) => c.index)).toEqual([...Array(reference.length).keys()]);
      expect(resumed.every((c) => c.documentId === resumedDoc!.id)).toBe(true);
      expect(resumed.map((c) => [c.index, c.start, c.text])).toEqual(reference.map((c) => [c.index, c.start, c.text]));
      // And the resumed chunks are searchable like the clean ones.
      const hit = await json(`${app.url}/api/v1/knowledge-bases/${crashKbId}/retrieve`, { method: "POST", body: { queries: ["统计的基本任务"], topK: 1 } });
      expect(hit.status).toBe(200);
      expect(hit.body.results[0].chunks[0]?.documentId).toBe(resumedDoc!.id);
    });

    it("C22 the studio's other data is intact, and the restarted app runs flows", async () => {
      expect(runId, "the kill test did not run").not.toBe("");
      const flow = await json(`${app.url}/api/v1/flows/${flowId}`);
      expect(flow.status).toBe(200);
      expect(flow.body.flow).toEqual(flowBefore);
      expect((await json(`${app.url}/api/v1/flows/${flowId}/versions`)).body.versions).toEqual(versionsBefore);
      const kbs = (await json(`${app.url}/api/v1/knowledge-bases`)).body.knowledgeBases as Record<string, unknown>[];
      expect(kbs.map(settingsOf).sort((a, b) => String(a.id).localeCompare(String(b.id)))).toEqual(
        [crashKbBefore, cleanKbBefore].map(settingsOf).sort((a, b) => String(a.id).localeCompare(String(b.id))),
      );
      const { events } = await collectRun(`${app.url}/api/v1/flows/${flowId}/runs`, { message: "are you back?" });
      const finished = events.at(-1);
      expect(finished?.type).toBe("run-finished");
      if (finished?.type !== "run-finished") return;
      expect(finished.status, JSON.stringify(finished.error)).toBe("succeeded");
      expect(finished.answer?.text).toBe(`You said: "are you back?"`);
    });
  });
}

crashSuite("pglite", async () => ({ env: {}, drop: async () => undefined, diagnose: async () => "(PGlite: the in-process queue keeps no jobs)" }));

if (adminUrl) {
  crashSuite("postgres", async () => {
    const pg = await scratchPostgres(adminUrl, "e2e_crash");
    return { env: { DATABASE_URL: pg.url }, drop: pg.drop, diagnose: () => pgBossJobs(pg.url) };
  });
} else {
  describe.skip("C22 crash [postgres]: needs TEST_DATABASE_URL", () => it("SIGKILL mid-stream and mid-ingestion on PostgreSQL", () => undefined));
}
