import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import { API_KEY_COST, hashSecret, verifySecret } from "@/lib/auth/password";
import { newApiKey, newToken } from "@/lib/auth/tokens";
import {
  changeMembership,
  createSession,
  createUserWithMembership,
  getSessionAccount,
  listMembers,
} from "@/lib/db/queries/accounts";
import { createApiKey, getActiveApiKey, revokeApiKey } from "@/lib/db/queries/api-keys";
import { syncAllVectorIndexes } from "@/lib/db/queries/chunk-vectors";
import { createDocument } from "@/lib/db/queries/documents";
import { createFlow, deleteFlowById, getFlowById, listFlowsByWorkspaceId } from "@/lib/db/queries/flows";
import { createKnowledgeBase, getKnowledgeBaseById } from "@/lib/db/queries/knowledge-bases";
import { acceptInvite, createInvite } from "@/lib/db/queries/invites";
import { workspaces } from "@/lib/db/schema";
import { emptyFlow } from "@/lib/flow/schema";
import { hashEmbed } from "@/lib/providers";
import { ingestDocument } from "@/lib/rag/ingest";
import { searchKnowledgeBases } from "@/lib/rag/search";
import type { FileStore } from "@/lib/storage/files";
import { forEachDatabase } from "../support/db";
import { countingEmbedder, tempFileStore } from "../jobs/kb-fixtures";
import { KEYWORD_VERSION } from "@/lib/text/keywords";

const FAST_HASH = "scrypt$12$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
const email = () => `p${randomBytes(4).toString("hex")}@example.test`;

forEachDatabase("accounts", (t) => {
  let ownerId: string;

  beforeAll(async () => {
    await t.db.insert(workspaces).values({ id: "ws-b", name: "Tenant B" }).onConflictDoNothing();
    const owner = await createUserWithMembership(t.db, { email: "Owner@Example.test ", name: "Owner", passwordHash: FAST_HASH, workspaceId: "local", role: "owner", onlyIfNoUsers: true });
    ownerId = owner!.id;
  });

  it("creates exactly one owner when two first-start set-ups race", async () => {
    const racing = await Promise.all(
      [1, 2, 3].map(() => createUserWithMembership(t.db, { email: email(), name: "x", passwordHash: FAST_HASH, workspaceId: "local", role: "owner", onlyIfNoUsers: true })),
    );
    expect(racing.every((u) => u === null)).toBe(true);
    const owners = (await listMembers(t.db, "local")).filter((m) => m.role === "owner");
    expect(owners.map((m) => m.email)).toEqual(["owner@example.test"]);
  });

  it("treats emails case-insensitively: a second account with the same address is refused", async () => {
    await expect(createUserWithMembership(t.db, { email: "OWNER@example.TEST", name: "dup", passwordHash: FAST_HASH, workspaceId: "local", role: "viewer" })).rejects.toMatchObject({ code: "email_taken", status: 409 });
  });

  it("a session works until it expires, and ends when the membership is removed", async () => {
    const person = await createUserWithMembership(t.db, { email: email(), name: "编辑", passwordHash: FAST_HASH, workspaceId: "local", role: "editor" });
    const live = newToken();
    const expired = newToken();
    await createSession(t.db, { tokenHash: live.hash, userId: person!.id, workspaceId: "local", expiresAt: new Date(Date.now() + 60_000) });
    await createSession(t.db, { tokenHash: expired.hash, userId: person!.id, workspaceId: "local", expiresAt: new Date(Date.now() - 1_000) });
    expect(await getSessionAccount(t.db, live.hash)).toMatchObject({ role: "editor", workspace: { id: "local" }, user: { name: "编辑" } });
    expect(await getSessionAccount(t.db, expired.hash)).toBeNull();
    await changeMembership(t.db, "local", person!.id, null);
    expect(await getSessionAccount(t.db, live.hash)).toBeNull();
  });

  it("never leaves a workspace without an owner", async () => {
    await expect(changeMembership(t.db, "local", ownerId, "editor")).rejects.toMatchObject({ code: "last_owner", status: 409 });
    await expect(changeMembership(t.db, "local", ownerId, null)).rejects.toMatchObject({ code: "last_owner" });
    await expect(changeMembership(t.db, "ws-b", ownerId, "viewer")).rejects.toMatchObject({ status: 404 });
  });

  it("an invitation link works once, even when accepted twice at the same moment", async () => {
    const { hash } = newToken();
    await createInvite(t.db, { workspaceId: "local", tokenHash: hash, email: null, role: "viewer", createdBy: ownerId, expiresAt: new Date(Date.now() + 60_000) });
    const results = await Promise.allSettled([
      acceptInvite(t.db, { tokenHash: hash, email: email(), name: "a", passwordHash: FAST_HASH }),
      acceptInvite(t.db, { tokenHash: hash, email: email(), name: "b", passwordHash: FAST_HASH }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(results.find((r) => r.status === "rejected")).toMatchObject({ reason: { code: "invite_invalid" } });
  });

  it("an invitation bound to an email refuses any other address", async () => {
    const { hash } = newToken();
    await createInvite(t.db, { workspaceId: "local", tokenHash: hash, email: "Named@Example.test", role: "editor", createdBy: ownerId, expiresAt: new Date(Date.now() + 60_000) });
    await expect(acceptInvite(t.db, { tokenHash: hash, email: "someone-else@example.test", name: "x", passwordHash: FAST_HASH })).rejects.toMatchObject({ code: "invite_invalid" });
  });

  it("C15 stores API keys only as a salted scrypt hash: the table holds no key, and a revoked key is gone", async () => {
    const { id, secret, key } = newApiKey();
    await createApiKey(t.db, { id, workspaceId: "local", name: "CI", role: "editor", secretHash: await hashSecret(secret, API_KEY_COST), createdBy: ownerId });
    const dump = JSON.stringify(await t.query("SELECT * FROM api_keys"));
    expect(dump).not.toContain(secret);
    expect(dump).not.toContain(key);
    const row = await getActiveApiKey(t.db, id);
    expect(await verifySecret(secret, row!.secretHash)).toBe(true);
    expect(await revokeApiKey(t.db, "ws-b", id)).toBe(false);
    expect(await revokeApiKey(t.db, "local", id)).toBe(true);
    expect(await getActiveApiKey(t.db, id)).toBeNull();
  });

  it("C11 a flow of workspace A is invisible to workspace B: not listed, not readable, not deletable", async () => {
    const flow = await createFlow(t.db, "local", { name: "A's flow", graph: emptyFlow() });
    expect((await listFlowsByWorkspaceId(t.db, "ws-b")).map((f) => f.id)).not.toContain(flow.id);
    expect(await getFlowById(t.db, "ws-b", flow.id)).toBeNull();
    expect(await deleteFlowById(t.db, "ws-b", flow.id)).toBe(false);
    expect(await getFlowById(t.db, "local", flow.id)).not.toBeNull();
  });

  forEachKb(t);
});

/** C11 for retrieval: the same text and the same embedding in both tenants, and B still never sees A's chunks. */
function forEachKb(t: { db: import("@/lib/db/client").Db }) {
  let files: FileStore;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    ({ files, dispose } = await tempFileStore());
  });
  afterAll(() => dispose());

  it("C11 retrieval from B never returns A's chunks, even for an identical document and embedding", async () => {
    const text = "租户隔离测试：甲公司的年度预算是三千万元。Tenant isolation: company A's budget is thirty million.";
    const embedder = countingEmbedder();
    const kbA = await createKnowledgeBase(t.db, "local", { name: "A", embeddingProvider: "offline", embeddingModel: "offline-hash-embedder", keywordVersion: KEYWORD_VERSION });
    const kbB = await createKnowledgeBase(t.db, "ws-b", { name: "B", embeddingProvider: "offline", embeddingModel: "offline-hash-embedder", keywordVersion: KEYWORD_VERSION });
    for (const [ws, kb] of [["local", kbA], ["ws-b", kbB]] as const) {
      const { document } = await createDocument(t.db, files, ws, kb.id, { name: "budget.txt", bytes: new TextEncoder().encode(text) });
      await ingestDocument({ db: t.db, files, embedder }, document.id);
    }
    await syncAllVectorIndexes(t.db);
    expect(await getKnowledgeBaseById(t.db, "ws-b", kbA.id)).toBeNull();
    const query = "甲公司的年度预算";
    // B asks for both knowledge bases by id, A's included: only its own comes back.
    const hits = await searchKnowledgeBases(t.db, { workspaceId: "ws-b", knowledgeBaseIds: [kbA.id, kbB.id], query, queryEmbedding: hashEmbed(query), topK: 10 });
    expect(hits.length).toBeGreaterThan(0);
    expect(hits.every((h) => h.knowledgeBaseId === kbB.id)).toBe(true);
    const onlyA = await searchKnowledgeBases(t.db, { workspaceId: "ws-b", knowledgeBaseIds: [kbA.id], query, queryEmbedding: hashEmbed(query), topK: 10 });
    expect(onlyA).toEqual([]);
  });
}
