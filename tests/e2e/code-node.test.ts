import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getFreePort } from "../support/model-server";
import { startApp, type AppServer } from "./support/app-server";
import { collectRun, json } from "./support/sse";

/*
 * The code node inside the production build: the sandbox's worker threads must start from the
 * bundled server, and user code must not reach the host.
 *
 *   [start] --message--> [code: main(inputs)] --text--> [answer]
 */
describe("code node in the production server", () => {
  let app: AppServer;

  beforeAll(async () => {
    app = await startApp({ ollamaBaseUrl: `http://127.0.0.1:${await getFreePort()}`, env: { TRELLIS_CANARY_SECRET: "canary-7d1e" } });
  });
  afterAll(async () => {
    await app?.stop();
  });

  const flowWith = (source: string) => ({
    schemaVersion: 1,
    nodes: [
      { id: "start", type: "start", position: { x: 0, y: 0 }, data: { variables: [] } },
      { id: "code", type: "code", position: { x: 200, y: 0 }, data: { source, inputs: ["text"], outputs: [{ name: "text", kind: "text" }], timeoutMs: 1000 } },
      { id: "answer", type: "answer", position: { x: 400, y: 0 }, data: {} },
    ],
    edges: [
      { id: "e1", source: "start", sourceHandle: "message", target: "code", targetHandle: "text" },
      { id: "e2", source: "code", sourceHandle: "text", target: "answer", targetHandle: "text" },
    ],
  });

  async function run(source: string, message: string) {
    const created = await json(`${app.url}/api/v1/flows`, { method: "POST", body: { name: "code", graph: flowWith(source) } });
    expect(created.status).toBe(201);
    const { events } = await collectRun(`${app.url}/api/v1/flows/${created.body.flow.id}/runs`, { message });
    return events;
  }

  it("runs user JavaScript on the person's message, Chinese included", async () => {
    const events = await run("function main(inputs) { return { text: inputs.text.split('').reverse().join('') }; }", "向量数据库");
    expect(events.at(-1)).toMatchObject({ type: "run-finished", status: "succeeded", answer: { text: "库据数量向" } });
  });

  it("gives user code no process, environment or modules, and ends a runaway loop at its time limit", async () => {
    const probe = await run(
      "function main() { const seen = [typeof process, typeof require, typeof fetch, String(globalThis.TRELLIS_CANARY_SECRET)]; return { text: seen.join(',') }; }",
      "x",
    );
    expect(probe.at(-1)).toMatchObject({ type: "run-finished", status: "succeeded", answer: { text: "undefined,undefined,undefined,undefined" } });
    expect(JSON.stringify(probe)).not.toContain("canary-7d1e");

    const started = Date.now();
    const loop = await run("function main() { while (true) {} }", "x");
    expect(Date.now() - started).toBeLessThan(8000);
    expect(loop.find((e) => e.type === "node-failed")).toMatchObject({ nodeId: "code", error: { code: "SANDBOX_TIMEOUT" } });

    const after = await run("function main(inputs) { return { text: 'ok ' + inputs.text }; }", "again");
    expect(after.at(-1)).toMatchObject({ status: "succeeded", answer: { text: "ok again" } });
  });
});
