import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startModelServer } from "../support/model-server";
import { startApp, type AppServer } from "./support/app-server";
import { collectRun, json } from "./support/sse";

type ModelServer = Awaited<ReturnType<typeof startModelServer>>;

/*
 * The flow every new bot starts with, run through the real API of the production build:
 *
 *   [start] --message--> [prompt] --prompt--> [llm] --text--> [answer]
 *      └────────history──────────────────────────┘   └citations┘
 */
describe("running a flow through the API, against an Ollama-compatible server", () => {
  let models: ModelServer;
  let app: AppServer;
  let flowId: string;

  beforeAll(async () => {
    models = await startModelServer({ tokenDelayMs: 5 });
    app = await startApp({ ollamaBaseUrl: models.url });
    const created = await json(`${app.url}/api/v1/flows`, { method: "POST", body: { name: "问答机器人" } });
    expect(created.status).toBe(201);
    flowId = created.body.flow.id;
  });
  afterAll(async () => {
    await app?.stop();
    await models?.close();
  });

  it("streams the answer as several separate SSE token events and stores one trace step per node", async () => {
    // ACT
    const { status, headers, events } = await collectRun(`${app.url}/api/v1/flows/${flowId}/runs`, { message: "什么是向量数据库？" });
    // ASSERT
    expect(status).toBe(200);
    expect(headers.get("content-type")).toContain("text/event-stream");
    expect(headers.get("x-accel-buffering")).toBe("no");
    const tokens = events.filter((e) => e.type === "token");
    expect(tokens.length).toBeGreaterThan(3);
    expect(tokens.every((t) => t.type === "token" && t.answer && t.nodeId === "llm")).toBe(true);
    const finished = events.at(-1)!;
    expect(finished.type).toBe("run-finished");
    if (finished.type !== "run-finished") return;
    expect(finished.status).toBe("succeeded");
    expect(finished.answer?.text).toContain("什么是向量数据库？");
    expect(tokens.map((t) => (t.type === "token" ? t.text : "")).join("")).toBe(finished.answer?.text);
    const chat = models.requests.find((r) => r.path === "/api/chat");
    expect(chat?.body).toMatchObject({ model: "qwen2.5", stream: true });

    const run = await json(`${app.url}/api/v1/runs/${finished.runId}`);
    expect(run.status).toBe(200);
    expect(run.body.run.status).toBe("succeeded");
    expect(run.body.run.steps.map((s: { nodeId: string }) => s.nodeId)).toEqual(["start", "prompt", "llm", "answer"]);
    for (const step of run.body.run.steps) {
      expect(step.status).toBe("succeeded");
      expect(typeof step.durationMs).toBe("number");
    }
    expect(run.body.run.steps[2].durationMs).toBeGreaterThan(10);
  });

  it("answers with one JSON document when stream is false", async () => {
    const res = await json(`${app.url}/api/v1/flows/${flowId}/runs`, { method: "POST", body: { message: "hello there", stream: false } });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe("succeeded");
    expect(res.body.answer.text).toContain("hello there");
  });

  it("aborts the model request when the client disconnects, and records the run as cancelled", async () => {
    // ARRANGE: a slow model, so the run is mid-stream when the client goes away
    models.setBehaviour({ slowTokens: 200 });
    const controller = new AbortController();
    const before = models.requests.length;
    // ACT
    const { events } = await collectRun(`${app.url}/api/v1/flows/${flowId}/runs`, { message: "please write a long answer about many things" }, {
      controller,
      onEvent: (event) => {
        if (event.type === "token") controller.abort();
      },
    });
    // ASSERT
    const runId = events[0].runId;
    await expect.poll(() => models.requests.slice(before).some((r) => r.path === "/api/chat" && r.closedEarly), { timeout: 10_000 }).toBe(true);
    await expect.poll(async () => (await json(`${app.url}/api/v1/runs/${runId}`)).body.run.status, { timeout: 10_000 }).toBe("cancelled");
    models.setBehaviour({});
  });

  it("fails the run with the node's message when a node throws (unknown model → the ollama pull command)", async () => {
    // ARRANGE
    const flow = (await json(`${app.url}/api/v1/flows/${flowId}`)).body.flow;
    const graph = structuredClone(flow.graph);
    graph.nodes.find((n: { id: string }) => n.id === "llm").data.model = "llama-not-pulled";
    const saved = await json(`${app.url}/api/v1/flows/${flowId}`, { method: "PATCH", body: { graph, expectedRevision: flow.revision } });
    expect(saved.status).toBe(200);
    // ACT
    const { events } = await collectRun(`${app.url}/api/v1/flows/${flowId}/runs`, { message: "hi" });
    // ASSERT
    const failed = events.find((e) => e.type === "node-failed");
    expect(failed).toMatchObject({ nodeId: "llm", error: { code: "MODEL_NOT_FOUND" } });
    expect(failed?.type === "node-failed" && failed.error.message).toContain("ollama pull llama-not-pulled");
    expect(events.filter((e) => e.type === "node-skipped").map((e) => (e.type === "node-skipped" ? e.nodeId : ""))).toEqual(["answer"]);
    expect(events.at(-1)).toMatchObject({ type: "run-finished", status: "failed" });
  });

  it("refuses to save an invalid flow with problems per node, in the caller's language, and stores nothing", async () => {
    // ARRANGE
    const before = (await json(`${app.url}/api/v1/flows/${flowId}`)).body.flow;
    const graph = structuredClone(before.graph);
    graph.nodes.push({ id: "mystery", type: "does-not-exist", position: { x: 0, y: 0 }, data: {} });
    graph.nodes.find((n: { id: string }) => n.id === "llm").data.temperature = 9;
    graph.edges = graph.edges.filter((e: { target: string }) => e.target !== "answer");
    // ACT
    const res = await json(`${app.url}/api/v1/flows/${flowId}`, { method: "PATCH", body: { graph }, headers: { "Accept-Language": "zh-CN,zh;q=0.9" } });
    // ASSERT
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("invalid_flow");
    expect(res.body.error.message).toMatch(/[\u4e00-\u9fff]/);
    const problems: { code: string; nodeId?: string; field?: string; message: string }[] = res.body.error.details.problems;
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: "unknown-node-type", nodeId: "mystery" }),
        expect.objectContaining({ code: "invalid-setting", nodeId: "llm", field: "temperature" }),
        expect.objectContaining({ code: "required-input-missing", nodeId: "answer" }),
      ]),
    );
    expect(problems.every((p) => /[\u4e00-\u9fff]/.test(p.message))).toBe(true);
    const after = (await json(`${app.url}/api/v1/flows/${flowId}`)).body.flow;
    expect(after.revision).toBe(before.revision);
    expect(after.graph).toEqual(before.graph);
  });

  it("refuses a stale save with 409 instead of overwriting", async () => {
    const flow = (await json(`${app.url}/api/v1/flows/${flowId}`)).body.flow;
    const first = await json(`${app.url}/api/v1/flows/${flowId}`, { method: "PATCH", body: { name: "v2", expectedRevision: flow.revision } });
    expect(first.status).toBe(200);
    const stale = await json(`${app.url}/api/v1/flows/${flowId}`, { method: "PATCH", body: { name: "v3", expectedRevision: flow.revision } });
    expect(stale.status).toBe(409);
    expect((await json(`${app.url}/api/v1/flows/${flowId}`)).body.flow.name).toBe("v2");
  });
});

describe("running a flow with no model server on the Ollama port", () => {
  let app: AppServer;

  beforeAll(async () => {
    // A port nothing listens on: the same situation as a fresh machine without Ollama.
    const { getFreePort } = await import("../support/model-server");
    app = await startApp({ ollamaBaseUrl: `http://127.0.0.1:${await getFreePort()}` });
  });
  afterAll(async () => {
    await app?.stop();
  });

  it("answers through the offline pair and says so", async () => {
    const status = await json(`${app.url}/api/v1/status`);
    expect(status.body).toMatchObject({ offline: true, defaultProvider: { id: "offline" }, ollama: { reachable: false } });
    const created = await json(`${app.url}/api/v1/flows`, { method: "POST", body: { name: "offline bot" } });
    const { events } = await collectRun(`${app.url}/api/v1/flows/${created.body.flow.id}/runs`, { message: "What is Trellis?" });
    const finished = events.at(-1);
    expect(finished).toMatchObject({ type: "run-finished", status: "succeeded" });
    expect(finished?.type === "run-finished" && finished.answer?.text).toMatch(/not a language model/i);
    expect(events.filter((e) => e.type === "token").length).toBeGreaterThan(1);
  });
});
