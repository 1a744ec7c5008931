import http from "node:http";
import net from "node:net";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { RunEvent } from "@/lib/flow/run-record";
import type { FlowDocument } from "@/lib/flow/schema";
import { scratchPostgres } from "../support/scratch-postgres";

/*
 * Issue 14, finding 2: secrets in HTTP node headers were stored in clear text and returned to
 * every member. Here, through the route handlers on the app's own database (PGlite, then
 * PostgreSQL when TEST_DATABASE_URL is set): an owner saves a flow whose HTTP node carries an
 * Authorization and an X-Api-Key header; a viewer reads the flow, its versions, a comparison and
 * a run's trace and never finds either value; the database row holds neither; a run still sends
 * both to a loopback echo server (reached through the SSRF guard with an injected resolver and
 * connector, as tests/security/ssrf.test.ts does).
 */

const BEARER = "sk-live-7Qm2Xv9Lr4Tz8Kp3Wn6Hd1k3f9";
const API_KEY = "ak-0f1e2d3c4b5a69788796a5b4";
const NEW_KEY = "ak-replaced-5544332211ffeeddcc";
const ORIGIN = "http://studio.test";
const API_HOST = "api.secrets.test";
const PRETEND_PUBLIC = "93.184.216.34";

type Handler = (req: Request, seg: { params: Promise<Record<string, string>> }) => Promise<Response>;
type Mod = Record<string, Handler>;

interface Header {
  name: string;
  value: unknown;
}

function graphWith(headers: Header[]): FlowDocument {
  return {
    schemaVersion: 1,
    nodes: [
      { id: "start", type: "start", position: { x: 0, y: 0 }, data: {} },
      { id: "call", type: "http-request", label: "Ask the API", position: { x: 240, y: 0 }, data: { method: "GET", url: `http://${API_HOST}/echo?q={{q}}`, headers } },
      { id: "answer", type: "answer", position: { x: 480, y: 0 }, data: {} },
    ],
    edges: [
      { id: "e1", source: "start", sourceHandle: "message", target: "call", targetHandle: "q" },
      { id: "e2", source: "call", sourceHandle: "body", target: "answer", targetHandle: "text" },
    ],
  } as FlowDocument;
}

const headersOf = (graph: FlowDocument) => (graph.nodes.find((n) => n.id === "call")!.data as { headers: Header[] }).headers;

function databases(): { name: string; url?: () => Promise<{ url: string; drop(): Promise<void> }> }[] {
  const list: { name: string; url?: () => Promise<{ url: string; drop(): Promise<void> }> }[] = [{ name: "pglite" }];
  const admin = process.env.TEST_DATABASE_URL;
  if (admin) list.push({ name: "postgres", url: () => scratchPostgres(admin, "secrets") });
  return list;
}

describe.each(databases())("finding 2: secrets in HTTP node headers never reach a viewer [$name]", ({ url }) => {
  const mods: Record<string, Mod> = {};
  let dataDir = "";
  let dropDb: (() => Promise<void>) | undefined;
  let ownerCookie = "";
  let viewerKey = "";
  let echo: http.Server;
  let echoPort = 0;
  const seen: http.IncomingHttpHeaders[] = [];
  let flowId = "";
  let app: { db: import("@/lib/db").Db; lib: typeof import("@/lib/server/run-service"); runs: typeof import("@/lib/db/queries/runs"); ssrf: typeof import("@/lib/security/ssrf"); secrets: typeof import("@/lib/server/flow-secrets"); flows: typeof import("@/lib/db/queries/flows") };

  const call = async (mod: string, method: string, opts: { body?: unknown; as?: "owner" | "viewer"; params?: Record<string, string>; query?: string } = {}) => {
    const headers: Record<string, string> = { host: "studio.test" };
    if (opts.body !== undefined) headers["content-type"] = "application/json";
    if ((opts.as ?? "owner") === "owner") {
      headers.cookie = ownerCookie;
      if (method !== "GET") headers.origin = ORIGIN;
    } else headers.authorization = `Bearer ${viewerKey}`;
    const req = new Request(`${ORIGIN}/api/v1/x${opts.query ?? ""}`, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
    return mods[mod][method](req, { params: Promise.resolve(opts.params ?? {}) });
  };
  const json = async (res: Response) => {
    const text = await res.text();
    expect(res.status, text).toBeLessThan(300);
    return { text, body: JSON.parse(text) };
  };
  /** What the database holds, as text: the stored rows, not what any API makes of them. */
  const rawRows = async (query: string, id: string) => {
    const { sql } = await import("drizzle-orm");
    const result = (await app.db.execute(sql.join([sql.raw(query), sql`${id}`]))) as unknown as { rows: unknown[] };
    return JSON.stringify(result.rows);
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), "trellis-secrets-"));
    vi.resetModules();
    vi.stubEnv("DATA_DIR", dataDir);
    vi.stubEnv("TRELLIS_ADMIN_EMAIL", "");
    vi.stubEnv("TRELLIS_ADMIN_PASSWORD", "");
    vi.stubEnv("TRELLIS_SECRET_KEY", "");
    if (url) {
      const pg = await url();
      dropDb = pg.drop;
      vi.stubEnv("DATABASE_URL", pg.url);
    } else vi.stubEnv("DATABASE_URL", "");
    const { getDb } = await import("@/lib/db");
    const { setupOwner, issueApiKey } = await import("@/lib/server/accounts");
    const db = await getDb();
    ownerCookie = `trellis_session=${(await setupOwner(db, { email: "owner@test.local", name: "Owner", password: "owner-password" })).token}`;
    viewerKey = (await issueApiKey(db, "local", null, { name: "viewer", role: "viewer" })).secret;
    Object.assign(mods, {
      flows: await import("@/app/api/v1/flows/route"),
      flow: await import("@/app/api/v1/flows/[flowId]/route"),
      duplicate: await import("@/app/api/v1/flows/[flowId]/duplicate/route"),
      versions: await import("@/app/api/v1/flows/[flowId]/versions/route"),
      version: await import("@/app/api/v1/flows/[flowId]/versions/[version]/route"),
      compare: await import("@/app/api/v1/flows/[flowId]/versions/compare/route"),
      restore: await import("@/app/api/v1/flows/[flowId]/versions/[version]/restore/route"),
      runNode: await import("@/app/api/v1/flows/[flowId]/nodes/[nodeId]/run/route"),
      run: await import("@/app/api/v1/runs/[runId]/route"),
    });
    app = {
      db,
      lib: await import("@/lib/server/run-service"),
      runs: await import("@/lib/db/queries/runs"),
      ssrf: await import("@/lib/security/ssrf"),
      secrets: await import("@/lib/server/flow-secrets"),
      flows: await import("@/lib/db/queries/flows"),
    };
    echo = http.createServer((req, res) => {
      seen.push(req.headers);
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ headers: req.headers }));
    });
    await new Promise<void>((resolve) => echo.listen(0, "127.0.0.1", resolve));
    echoPort = (echo.address() as AddressInfo).port;
  });

  afterAll(async () => {
    echo?.closeAllConnections();
    await new Promise((resolve) => echo?.close(resolve));
    const { closeDb } = await import("@/lib/db");
    await closeDb();
    await dropDb?.();
    vi.unstubAllEnvs();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** The guarded fetch, with api.secrets.test resolving to a pretend-public address that the connector maps to the echo server. */
  const loopbackFetch = () =>
    app.ssrf.createGuardedFetch({
      resolve: async (host) => (host === API_HOST ? [PRETEND_PUBLIC] : Promise.reject(Object.assign(new Error(`ENOTFOUND ${host}`), { code: "ENOTFOUND" }))),
      connect: (target) => {
        if (target.address !== PRETEND_PUBLIC) throw new Error(`refusing to dial ${target.address}`);
        return net.connect({ host: "127.0.0.1", port: echoPort });
      },
    });

  const expectNoSecret = (text: string) => {
    for (const secret of [BEARER, API_KEY, NEW_KEY]) expect(text).not.toContain(secret);
  };

  it("finding 2: the owner saves the headers; the flow's row holds ciphertext only; a viewer reading the flow sees them masked", async () => {
    const created = await json(
      await call("flows", "POST", {
        body: { name: "secrets", graph: graphWith([{ name: "Authorization", value: `Bearer ${BEARER}` }, { name: "X-Api-Key", value: API_KEY }, { name: "Accept", value: "application/json" }]) },
      }),
    );
    flowId = created.body.flow.id;
    expectNoSecret(created.text);
    expectNoSecret(await rawRows("select graph::text from flows where id = ", flowId));

    const read = await json(await call("flow", "GET", { as: "viewer", params: { flowId } }));
    expectNoSecret(read.text);
    const headers = headersOf(read.body.flow.graph);
    expect(headers[0]).toEqual({ name: "Authorization", value: { $secret: true, id: expect.stringMatching(/^s_/), hint: "…k3f9" } });
    expect(headers[1].value).toEqual({ $secret: true, id: expect.stringMatching(/^s_/), hint: "…a5b4" });
    expect(headers[2]).toEqual({ name: "Accept", value: "application/json" });
  });

  it("finding 2: saving the masked value back keeps the stored secret; a typed value replaces it; another flow's secret id is refused", async () => {
    const before = await json(await call("flow", "GET", { params: { flowId } }));
    const masked = headersOf(before.body.flow.graph);
    const stored = await rawRows("select graph::text from flows where id = ", flowId);
    // Masked values saved back unchanged (the studio's autosave): the same ciphertexts stay.
    const kept = await json(await call("flow", "PATCH", { params: { flowId }, body: { graph: graphWith(masked), expectedRevision: before.body.flow.revision } }));
    expect(headersOf(kept.body.flow.graph)).toEqual(masked);
    const ciphertexts = (text: string) => [...text.matchAll(/v1:[A-Za-z0-9+/=:]+/g)].map((m) => m[0]).sort();
    expect(ciphertexts(await rawRows("select graph::text from flows where id = ", flowId))).toEqual(ciphertexts(stored));

    // A secret of another flow cannot be borrowed by naming its id.
    const other = await json(await call("flows", "POST", { body: { name: "other", graph: graphWith([{ name: "X-Api-Key", value: "ak-other-flow-0000000000" }]) } }));
    const foreign = headersOf(other.body.flow.graph)[0].value;
    const refused = await call("flow", "PATCH", { params: { flowId }, body: { graph: graphWith([masked[0], { name: "X-Api-Key", value: foreign }]) } });
    expect(refused.status).toBe(400);
    expect((await refused.json()).error.code).toBe("secret_unknown");
    // Nor by sending a ciphertext: clients never get one, and this flow holds no such secret.
    const forged = await call("flow", "PATCH", { params: { flowId }, body: { graph: graphWith([{ name: "X-Api-Key", value: { $secret: "v1:AAAA:BBBB:CCCC", id: "s_forged" } }]) } });
    expect(forged.status).toBe(400);

    // Typing a new value replaces the secret (and makes a version of the graph before the change).
    await json(await call("versions", "POST", { params: { flowId }, body: { note: "before the new key" } }));
    const replaced = await json(await call("flow", "PATCH", { params: { flowId }, body: { graph: graphWith([masked[0], { name: "X-Api-Key", value: NEW_KEY }, masked[2]]) } }));
    expectNoSecret(replaced.text);
    const now = headersOf(replaced.body.flow.graph);
    expect(now[0]).toEqual(masked[0]);
    expect(now[1].value).toMatchObject({ $secret: true, hint: "…ddcc" });
    expect((now[1].value as { id: string }).id).not.toBe((masked[1].value as { id: string }).id);
  });

  it("finding 2: replacing a secret no version holds keeps the flow before as a version, so an undo (the old masked value sent back) still saves", async () => {
    const before = await json(await call("flow", "GET", { params: { flowId } }));
    const masked = headersOf(before.body.flow.graph);
    const count = async () => (await json(await call("versions", "GET", { params: { flowId } }))).body.versions.length;
    const versions = await count();
    // NEW_KEY is in no version yet: replacing it makes one at once (not only after 10 minutes).
    await json(await call("flow", "PATCH", { params: { flowId }, body: { graph: graphWith([masked[0], { name: "X-Api-Key", value: "ak-short-lived-value-0000000" }, masked[2]]) } }));
    expect(await count()).toBe(versions + 1);
    const undone = await json(await call("flow", "PATCH", { params: { flowId }, body: { graph: graphWith(masked) } }));
    expect(headersOf(undone.body.flow.graph)).toEqual(masked);
    // A masked value whose secret no version holds either is refused.
    const lost = await call("flow", "PATCH", { params: { flowId }, body: { graph: graphWith([masked[0], { name: "X-Api-Key", value: { $secret: true, id: "s_never_stored" } }]) } });
    expect(lost.status).toBe(400);
  });

  it("finding 2: versions, a comparison and a duplicate show no secret; the diff says the secret changed", async () => {
    const list = await json(await call("versions", "GET", { as: "viewer", params: { flowId } }));
    expect(list.body.versions.length).toBeGreaterThan(0);
    for (const { version } of list.body.versions) {
      const one = await json(await call("version", "GET", { as: "viewer", params: { flowId, version: String(version) } }));
      expectNoSecret(one.text);
      expect(headersOf(one.body.version.graph)[1].value).toMatchObject({ $secret: true });
    }
    expectNoSecret(await rawRows("select graph::text from flow_versions where flow_id = ", flowId));
    const first = list.body.versions.at(-1).version;
    const compared = await json(await call("compare", "GET", { as: "viewer", params: { flowId }, query: `?from=${first}&to=current` }));
    expectNoSecret(compared.text);
    expect(compared.body.lines.map((l: { text: string }) => l.text)).toContain("Ask the API: Headers #2 › Value — secret changed");

    const copy = await json(await call("duplicate", "POST", { params: { flowId } }));
    expectNoSecret(copy.text);
    expectNoSecret(await rawRows("select graph::text from flows where id = ", copy.body.flow.id));
    // The copy's secrets were encrypted for the copy: its run decrypts them.
    const copied = (await app.flows.getFlowById(app.db, "local", copy.body.flow.id))!;
    const { secrets } = app.secrets.revealFlowSecrets(copied.graph, { workspaceId: "local", flowId: copied.id });
    expect(secrets).toContain(`Bearer ${BEARER}`);
    expect(secrets).toContain(NEW_KEY);
    // …and the original's ciphertexts do not decrypt as the copy's.
    const original = (await app.flows.getFlowById(app.db, "local", flowId))!;
    expect(() => app.secrets.revealFlowSecrets(original.graph, { workspaceId: "local", flowId: copied.id })).toThrow(/could not be decrypted/);
  });

  it("finding 2: a run sends the real headers, and neither the events, the stored trace nor the run read by a viewer holds them", async () => {
    seen.length = 0;
    const flow = (await app.flows.getFlowById(app.db, "local", flowId))!;
    const run = await app.lib.startFlowRun({
      db: app.db,
      workspaceId: "local",
      flowId,
      flowRevision: flow.revision,
      graph: flow.graph,
      input: { message: "hello", history: [], variables: {} },
      locale: "en",
      fetch: loopbackFetch(),
    });
    const events: RunEvent[] = [];
    for await (const event of run.events) events.push(event);
    expect(events.at(-1)).toMatchObject({ type: "run-finished", status: "succeeded" });
    expect(seen).toHaveLength(1);
    expect(seen[0].authorization).toBe(`Bearer ${BEARER}`);
    expect(seen[0]["x-api-key"]).toBe(NEW_KEY);
    // The echo's answer came back with both values in it: the person running sees them redacted.
    expectNoSecret(JSON.stringify(events));
    expect(JSON.stringify(events)).toContain("[redacted]");
    const stored = await rawRows("select inputs::text, outputs::text, error::text from run_steps where run_id = ", run.runId);
    expect(stored).toContain("[redacted]");
    expectNoSecret(stored);
    expectNoSecret(await rawRows("select answer::text, input::text from runs where id = ", run.runId));
    const viewed = await json(await call("run", "GET", { as: "viewer", params: { runId: run.runId } }));
    expectNoSecret(viewed.text);
  });

  it("finding 2: running the node alone (as saved, and with its masked settings sent back) uses the stored secrets and shows none", async () => {
    seen.length = 0;
    const masked = (await json(await call("flow", "GET", { as: "viewer", params: { flowId } }))).body.flow.graph;
    const settings = masked.nodes.find((n: { id: string }) => n.id === "call").data;
    // The node-run route uses the app's own guarded fetch, which refuses the test's made-up host
    // before any request: what matters here is that masked settings resolve instead of failing.
    const res = await call("runNode", "POST", { params: { flowId, nodeId: "call" }, body: { settings, inputs: { q: "x" } } });
    const text = await res.text();
    expectNoSecret(text);
    expect(JSON.parse(text).error).toMatchObject({ code: "HTTP_ERROR", message: expect.stringContaining(API_HOST) });
    // The same resolution, then the node run against the echo server: the real headers go out.
    const flow = (await app.flows.getFlowById(app.db, "local", flowId))!;
    const saved = flow.graph.nodes.find((n) => n.id === "call")!;
    const { data, secrets } = await app.secrets.resolveNodeSettings(settings, saved, flow.graph, { workspaceId: "local", flowId });
    expect(secrets).toContain(NEW_KEY);
    const { runSingleNode } = await import("@/lib/engine/run-node");
    const { nodeRegistry } = await import("@/nodes");
    const result = await runSingleNode({ ...saved, data }, { q: "x" }, { registry: nodeRegistry, services: app.lib.engineServices(app.db, "local", loopbackFetch()), input: { message: "x", history: [], variables: {} }, locale: "en" });
    expect(result).toMatchObject({ outputs: { status: 200 } });
    expect(seen.at(-1)?.authorization).toBe(`Bearer ${BEARER}`);
    expect(seen.at(-1)?.["x-api-key"]).toBe(NEW_KEY);
  });

  it("finding 2: flows stored the old way (clear-text headers in the flow and its versions) are encrypted when the database opens, idempotently", async () => {
    // A flow and a version written as an older Trellis wrote them.
    const legacy = graphWith([{ name: "Authorization", value: `Bearer ${BEARER}` }, { name: "Cookie", value: "session=legacy-cookie-value-123" }, { name: "Authorization", value: "Bearer {{token}}" }]);
    // A damaged stored graph (no node list) is passed over, not a reason to stop.
    await app.flows.createFlow(app.db, "local", { id: "00000000-0000-4000-8000-000000000000", name: "broken", graph: { schemaVersion: 1 } as FlowDocument });
    const row = await app.flows.createFlow(app.db, "local", { name: "legacy", graph: legacy });
    await app.flows.createFlowVersion(app.db, row.id, { graph: legacy, note: "old" });
    expect(await rawRows("select graph::text from flows where id = ", row.id)).toContain(BEARER);
    // A viewer never sees them even before the upgrade ran.
    expectNoSecret((await json(await call("flow", "GET", { as: "viewer", params: { flowId: row.id } }))).text);

    // The app opens its database again (a restart): the upgrade runs before anything reads.
    const { closeDb, getDb } = await import("@/lib/db");
    await closeDb();
    app.db = await getDb();
    expect(await app.secrets.encryptStoredFlowSecrets(app.db)).toBe(0);
    const flowText = await rawRows("select graph::text from flows where id = ", row.id);
    const versionText = await rawRows("select graph::text from flow_versions where flow_id = ", row.id);
    for (const text of [flowText, versionText]) {
      expectNoSecret(text);
      expect(text).not.toContain("legacy-cookie-value");
      expect(text).toContain("Bearer {{token}}"); // a template is not a secret and stays readable
    }
    const upgraded = (await app.flows.getFlowById(app.db, "local", row.id))!;
    const { secrets } = app.secrets.revealFlowSecrets(upgraded.graph, { workspaceId: "local", flowId: row.id });
    expect(secrets).toEqual(expect.arrayContaining([`Bearer ${BEARER}`, "session=legacy-cookie-value-123"]));
    // Restoring the old version brings back the (now encrypted) secrets, still masked to readers.
    const restored = await json(await call("restore", "POST", { params: { flowId: row.id, version: "1" } }));
    expectNoSecret(restored.text);
  });
});
