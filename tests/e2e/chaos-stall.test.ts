import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startModelServer, type ModelServer } from "../support/model-server";
import { startApp, type AppServer } from "./support/app-server";
import { authFetch } from "./support/auth";
import { startPrivatePostgres, type PrivatePostgres } from "./support/private-postgres";
import { collectRun, json, type WireEvent } from "./support/sse";

/*
 * C22 with the real server process frozen: SIGSTOP on every process of a PostgreSQL server of
 * this test's own. A frozen server keeps its connections open and even accepts new TCP
 * connections, but answers nothing — the case timeouts alone catch late. The app's stall guard
 * (lib/db/stall-guard.ts) must notice within about a second.
 */
describe("C22 chaos: the PostgreSQL process freezes (SIGSTOP) mid-run and thaws (SIGCONT)", () => {
  let pg: PrivatePostgres;
  let models: ModelServer;
  let app: AppServer;
  let flowId: string;

  beforeAll(async () => {
    pg = await startPrivatePostgres();
    models = await startModelServer({ tokenDelayMs: 5 });
    app = await startApp({ ollamaBaseUrl: models.url, env: { DATABASE_URL: pg.url } });
    const created = await json(`${app.url}/api/v1/flows`, { method: "POST", body: { name: "冻结测试" } });
    expect(created.status).toBe(201);
    flowId = created.body.flow.id;
  }, 120_000);

  afterAll(async () => {
    pg?.thaw();
    await app?.stop();
    await models?.close();
    await pg?.stop();
  });

  it("C22 in-flight run ends with an error within 30 s, new requests get 503 within 2 s, and the app recovers after SIGCONT without a restart", { timeout: 120_000 }, async () => {
    models.setBehaviour({ slowTokens: 200 });
    let frozenAt = 0;
    const { events } = await collectRun(`${app.url}/api/v1/flows/${flowId}/runs`, { message: "a long answer about frozen databases and what people should see when one stalls" }, {
      onEvent: (event: WireEvent) => {
        if (event.type === "token" && !frozenAt) {
          frozenAt = Date.now();
          pg.freeze();
        }
      },
    });
    const endedAt = Date.now();
    models.setBehaviour({});
    try {
      const finished = events.at(-1)!;
      expect(finished).toMatchObject({ type: "run-finished", status: "failed", error: { code: "DATABASE_UNAVAILABLE" } });
      expect(endedAt - frozenAt).toBeLessThan(30_000);
      const latencies: number[] = [];

      for (let i = 0; i < 3; i++) {
        const started = Date.now();
        const res = await authFetch(`${app.url}/api/v1/flows`, { headers: { "Accept-Language": i === 2 ? "zh-CN" : "en" } });
        const elapsed = Date.now() - started;
        const body = (await res.json()) as { error: { message: string } };
        expect(res.status).toBe(503);
        expect(elapsed).toBeLessThan(2_000);
        latencies.push(elapsed);
        expect(body.error.message).toMatch(i === 2 ? /暂时无法连接数据库/ : /database is not reachable right now/);
      }
      expect((await fetch(`${app.url}/api/v1/health`)).status).toBe(503);
      console.info(`[C22 SIGSTOP] run ended ${endedAt - frozenAt} ms after the freeze; 503s in ${latencies.join(", ")} ms`);
    } finally {
      pg.thaw();
    }

    const thawedAt = Date.now();
    let status = 0;
    while (Date.now() - thawedAt < 30_000) {
      status = (await authFetch(`${app.url}/api/v1/flows`)).status;
      if (status === 200) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(status).toBe(200);
    const again = await collectRun(`${app.url}/api/v1/flows/${flowId}/runs`, { message: "back again" });
    expect(again.events.at(-1)).toMatchObject({ type: "run-finished", status: "succeeded" });
    // The interrupted run's end, which could not be written while the server was frozen, is
    // written once it is back (retried every 2 s): it does not stay "running".
    let stored = "";
    for (const deadline = Date.now() + 15_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 500))) {
      stored = (await json(`${app.url}/api/v1/runs/${events[0].runId}`)).body.run.status;
      if (stored !== "running") break;
    }
    expect(stored).toBe("failed");
  });
});
