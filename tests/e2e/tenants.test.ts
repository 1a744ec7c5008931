import path from "node:path";
import { Client } from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashSecret } from "@/lib/auth/password";
import { getFreePort } from "../support/model-server";
import { createKnowledgeBaseViaApi } from "./pages/canvas";
import { startApp, type AppServer } from "./support/app-server";
import { login } from "./support/auth";
import { builtRoutes } from "./support/routes";
import { collectRun, json } from "./support/sse";
import { scratchPostgres } from "../support/scratch-postgres";

/**
 * C11: two tenants on one real PostgreSQL. Tenant B replays every ID-accepting route of the
 * build (enumerated from the manifest) with its own session and tenant A's object ids: nothing
 * of A is shown, changed or deleted.
 */
const root = path.resolve(__dirname, "../..");
const adminUrl = process.env.TEST_DATABASE_URL;


if (!adminUrl && process.env.CI === "true") throw new Error("CI=true but TEST_DATABASE_URL is not set: the two-tenant test needs PostgreSQL.");

describe.skipIf(!adminUrl)("C11 tenant isolation on PostgreSQL, replaying A's ids as B", () => {
  let pg: { url: string; drop(): Promise<void> };
  let app: AppServer;
  let bCookie = "";
  const a: Record<string, string> = {};

  beforeAll(async () => {
    pg = await scratchPostgres(adminUrl!, "e2e_tenants");
    app = await startApp({ ollamaBaseUrl: `http://127.0.0.1:${await getFreePort()}`, env: { DATABASE_URL: pg.url } });
    // Tenant B: its own workspace and owner, as a second installation sharing the server would have.
    const client = new Client({ connectionString: pg.url });
    await client.connect();
    await client.query("INSERT INTO workspaces (id, name) VALUES ('tenant-b', 'Tenant B')");
    const { rows } = await client.query("INSERT INTO users (email, name, password_hash) VALUES ('b@tenant.test', 'B', $1) RETURNING id", [await hashSecret("tenant-b-password")]);
    await client.query("INSERT INTO memberships (workspace_id, user_id, role) VALUES ('tenant-b', $1, 'owner')", [rows[0].id]);
    await client.end();
    bCookie = await login(app.url, "b@tenant.test", "tenant-b-password");

    // Tenant A (the suite's owner) fills its workspace with one of everything.
    const flow = await json(`${app.url}/api/v1/flows`, { method: "POST", body: { name: "A-secret-flow" } });
    a.flowId = flow.body.flow.id;
    a.nodeId = flow.body.flow.graph.nodes[0].id;
    a.version = "1";
    await json(`${app.url}/api/v1/flows/${a.flowId}/versions`, { method: "POST", body: { note: "v1" } });
    const run = await collectRun(`${app.url}/api/v1/flows/${a.flowId}/runs`, { message: "A's question" });
    a.runId = run.events[0].runId;
    const kb = await createKnowledgeBaseViaApi(app.url, "A-secret-kb", [path.join(root, "../shared/fixtures/docs/zh/statistics-law-2024-09-13.md")]);
    a.kbId = kb.id;
    a.docId = (await json(`${app.url}/api/v1/knowledge-bases/${a.kbId}/documents`)).body.documents[0].id;
    a.chunkId = (await json(`${app.url}/api/v1/knowledge-bases/${a.kbId}/chunks`)).body.chunks[0].id;
    const provider = await json(`${app.url}/api/v1/providers`, { method: "POST", body: { name: "A-secret-provider", kind: "openai", baseUrl: "http://127.0.0.1:9/v1", apiKey: "sk-a-secret" } });
    a.providerId = provider.body.provider.id;
    a.inviteId = (await json(`${app.url}/api/v1/invites`, { method: "POST", body: { role: "editor" } })).body.invite.id;
    a.keyId = (await json(`${app.url}/api/v1/api-keys`, { method: "POST", body: { name: "A key", role: "viewer" } })).body.key.id;
    a.userId = (await json(`${app.url}/api/v1/me`)).body.user.id;
    // A's flow published as a bot, with release 1 (B must not see or roll back either).
    const published = await json(`${app.url}/api/v1/flows/${a.flowId}/publish`, { method: "POST", body: { notes: "A-secret-release" } });
    a.number = String(published.body.release.number);
  }, 240_000);

  afterAll(async () => {
    await app?.stop();
    await pg?.drop();
  });

  it("C11 every ID-accepting route answers B with 404 (or refuses B's body) and never with A's data", async () => {
    expect(Object.keys(a)).toHaveLength(12);
    // Routes a session cookie opens. The public bot surfaces (end-user tokens) and the bot API
    // (bot keys) are not workspace sessions: their isolation across bots and end users is
    // tested in tests/server/publishing-suite.ts.
    const tokenRoutes = /^\/api\/v1\/(public|bots|openai)\//;
    const idRoutes = builtRoutes().filter((r) => r.kind === "api" && r.pattern.includes("[") && !r.pattern.includes("[token]") && !tokenRoutes.test(r.pattern));
    expect(idRoutes.length).toBeGreaterThan(15);
    const seen: string[] = [];
    for (const { pattern, source, methods } of idRoutes) {
      const url = pattern.replace(/\[([^\]]+)\]/g, (_m, name: string) => {
        if (!(name in a)) throw new Error(`no id of A for [${name}] in ${pattern}: add one to this test`);
        return a[name];
      });
      for (const method of methods) {
        const multipart = method === "POST" && source.includes("readMultipart(");
        const form = new FormData();
        form.append("files", new Blob(["B's file 乙方的文件"]), "b.txt");
        form.append("file", new Blob(["B's file 乙方的文件"]), "b.txt");
        const jsonBody = JSON.stringify({ name: "B was here", message: "hi", role: "viewer", text: "B", enabled: false, queries: ["统计"], inputs: {} });
        const res = await fetch(`${app.url}${url}${method === "GET" ? "?from=1&to=1" : ""}`, {
          method,
          headers: { cookie: bCookie, origin: app.url, ...(method === "GET" || method === "DELETE" || multipart ? {} : { "content-type": "application/json" }) },
          body: method === "GET" || method === "DELETE" ? undefined : multipart ? form : jsonBody,
        });
        const body = await res.text();
        seen.push(`${method} ${pattern} → ${res.status}`);
        expect(res.status, `${method} ${pattern}: ${body.slice(0, 200)}`).toBeGreaterThanOrEqual(400);
        if (method === "GET") expect(res.status, `${method} ${pattern}`).toBe(404);
        expect(body).not.toMatch(/A-secret|A's question|sk-a-secret/);
      }
    }
    console.info(`[C11] replayed as B:\n  ${seen.join("\n  ")}`);
  });

  it("C11 after B's replay everything of A is intact, and B's lists show none of it", async () => {
    expect((await json(`${app.url}/api/v1/flows/${a.flowId}`)).body.flow.name).toBe("A-secret-flow");
    expect((await json(`${app.url}/api/v1/knowledge-bases/${a.kbId}/documents/${a.docId}`)).status).toBe(200);
    expect((await json(`${app.url}/api/v1/knowledge-bases/${a.kbId}/chunks`)).body.chunks.some((c: { id: string; enabled: boolean }) => c.id === a.chunkId && c.enabled)).toBe(true);
    expect((await json(`${app.url}/api/v1/providers`)).body.providers.some((p: { id: string }) => p.id === a.providerId)).toBe(true);
    expect((await json(`${app.url}/api/v1/invites`)).body.invites.map((i: { id: string }) => i.id)).toContain(a.inviteId);
    expect((await json(`${app.url}/api/v1/api-keys`)).body.keys.map((k: { id: string }) => k.id)).toContain(a.keyId);
    expect((await json(`${app.url}/api/v1/members`)).body.members.find((m: { userId: string }) => m.userId === a.userId)?.role).toBe("owner");
    for (const list of ["flows", "knowledge-bases", "providers", "members", "invites", "api-keys"]) {
      const res = await fetch(`${app.url}/api/v1/${list}`, { headers: { cookie: bCookie } });
      expect(res.status, list).toBe(200);
      expect(await res.text(), list).not.toMatch(/A-secret|owner@trellis\.test|A key/);
    }
    // B's retrieval names A's knowledge base explicitly and still gets nothing of it.
    const retrieve = await fetch(`${app.url}/api/v1/knowledge-bases/${a.kbId}/retrieve`, { method: "POST", headers: { cookie: bCookie, origin: app.url, "content-type": "application/json" }, body: JSON.stringify({ queries: ["统计的基本任务是什么？"] }) });
    expect(retrieve.status).toBe(404);
  });
});
