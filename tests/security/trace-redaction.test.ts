import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createDb, type DbHandle } from "@/lib/db/client";
import { createFlow } from "@/lib/db/queries/flows";
import { createProvider, setDefaultProvider } from "@/lib/db/queries/providers";
import { getRunById } from "@/lib/db/queries/runs";
import type { RunEvent } from "@/lib/engine/types";
import { starterFlow } from "@/lib/flow/starter";
import { startFlowRun } from "@/lib/server/run-service";
import { TraceWriter, type TraceStep } from "@/lib/server/trace-writer";
import { startModelServer, type ModelServer } from "../support/model-server";

const BEARER = "sk-live-4f9a8b7c6d5e4f3a2b1c";
const PROVIDER_KEY = "sk-proj-Zq8Lm2Vx7Rt4Np9Ks3Wd";
const at = 1_700_000_000_000;

describe("C24 TraceWriter stores redacted steps", () => {
  it("C24 masks an HTTP node's Authorization header and bearer tokens in inputs, outputs, partial text and errors", async () => {
    // ARRANGE
    const saved: TraceStep[][] = [];
    const writer = new TraceWriter(async (steps) => void saved.push(steps), 10_000);
    const started: RunEvent = { type: "node-started", at, nodeId: "http", nodeType: "http-request", inputs: { headers: { Authorization: `Bearer ${BEARER}`, "X-API-Key": BEARER }, url: "https://api.example.com" } };
    // ACT
    writer.observe(started);
    writer.observe({ type: "node-finished", at, nodeId: "http", nodeType: "http-request", outputs: { status: 200, body: `echo: Authorization: Bearer ${BEARER}`, json: { token: BEARER, ok: true } }, durationMs: 5 });
    writer.observe({ type: "node-started", at, nodeId: "llm", nodeType: "llm", inputs: { prompt: `请用 Bearer ${BEARER} 调用接口` } });
    writer.observe({ type: "token", nodeId: "llm", text: `好的，Bearer ${BEARER}`, answer: true });
    writer.observe({ type: "node-failed", at, nodeId: "llm", nodeType: "llm", error: { code: "NODE_FAILED", message: `upstream refused Authorization: Bearer ${BEARER}` }, durationMs: 3 });
    await writer.flush();
    // ASSERT
    const stored = saved.flat();
    expect(JSON.stringify(stored)).not.toContain(BEARER);
    const http = stored.find((s) => s.nodeId === "http")!;
    expect(http.inputs).toEqual({ headers: { Authorization: "[redacted]", "X-API-Key": "[redacted]" }, url: "https://api.example.com" });
    expect(http.outputs).toEqual({ status: 200, body: "echo: Authorization: [redacted]", json: { token: "[redacted]", ok: true } });
    const llm = stored.find((s) => s.nodeId === "llm")!;
    expect(llm.outputs.partial).toBe("好的，Bearer [redacted]");
    expect(llm.error?.message).toBe("upstream refused Authorization: [redacted]");
    // the live event (what the person running the flow sees) is untouched
    expect(started.type === "node-started" && started.inputs.headers).toEqual({ Authorization: `Bearer ${BEARER}`, "X-API-Key": BEARER });
  });

  it("C24 masks known secret values wherever they appear", async () => {
    const saved: TraceStep[][] = [];
    const writer = new TraceWriter(async (steps) => void saved.push(steps), 10_000, { knownSecrets: () => ["hunter2-is-my-password"] });
    writer.observe({ type: "node-started", at, nodeId: "t", nodeType: "template", inputs: { text: "pw=hunter2-is-my-password!" } });
    await writer.flush();
    expect(saved.flat()[0].inputs).toEqual({ text: "pw=[redacted]!" });
  });
});

describe("C24 a real run: the provider key never enters events or the stored trace, tokens in outputs are redacted", () => {
  let models: ModelServer;
  let handle: DbHandle;

  beforeAll(async () => {
    vi.stubEnv("TRELLIS_SECRET_KEY", "t3Qm8Zr1Lx6Vn0Kp5Wb9Yc2Hd7Jf4GsA8e");
    models = await startModelServer({ apiKey: PROVIDER_KEY, tokenDelayMs: 0 });
    handle = await createDb({ dataDir: "memory" });
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    await handle?.close();
    await models?.close();
  });

  it("C24 runs the starter flow against an OpenAI-compatible server that requires the key", async () => {
    // ARRANGE: an OpenAI-compatible provider whose key the model server checks
    const { db } = handle;
    const provider = await createProvider(db, "local", { kind: "openai", name: "vLLM", baseUrl: `${models.url}/v1`, apiKey: PROVIDER_KEY, chatModel: "qwen2.5" });
    await setDefaultProvider(db, "local", provider.id);
    const flow = await createFlow(db, "local", { name: "redaction", graph: starterFlow("en") });
    const message = `Please call the API with Authorization: Bearer ${BEARER}`;
    // ACT
    const run = await startFlowRun({ db, workspaceId: "local", flowId: flow.id, flowRevision: flow.revision, graph: flow.graph, input: { message, history: [], variables: {} }, locale: "en" });
    const events: RunEvent[] = [];
    for await (const event of run.events) events.push(event);
    // ASSERT: the key was really used…
    const chat = models.requests.find((r) => r.path === "/v1/chat/completions");
    expect(chat?.headers.authorization).toBe(`Bearer ${PROVIDER_KEY}`);
    expect(events.at(-1)).toMatchObject({ type: "run-finished", status: "succeeded" });
    // …but appears in no event, and the stored trace has neither it nor the bearer token from the message
    expect(JSON.stringify(events)).not.toContain(PROVIDER_KEY);
    const stored = await getRunById(db, "local", run.runId);
    expect(stored?.steps.map((s) => s.nodeId)).toEqual(["start", "prompt", "llm", "answer"]);
    const trace = JSON.stringify(stored?.steps);
    expect(trace).not.toContain(PROVIDER_KEY);
    expect(trace).not.toContain(BEARER);
    expect(trace).toContain("Authorization: [redacted]");
  });
});
