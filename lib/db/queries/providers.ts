import "server-only";
import { randomUUID } from "node:crypto";
import { and, asc, desc, eq } from "drizzle-orm";
import { AppError } from "@/lib/errors";
import type { ProviderConfig, ProviderKind } from "@/lib/provider-config";
import { secretAad, secretBox, type SecretBox } from "@/lib/security/secrets";
import type { Db } from "../client";
import { dbCall, pgErrorCode, pgErrorCodes } from "../errors";
import { jsonSafe } from "../json";
import { providers, type Provider } from "../schema";

/**
 * Model providers of a workspace. The API key is stored encrypted (lib/security/secrets.ts) and
 * leaves this module only through getProviderConfigById, for the server-side SDK client; lists
 * say `hasSecret` instead. Every function takes an optional SecretBox for tests.
 */

/** A provider as the settings page shows it: everything but the secret. */
export type ProviderSummary = Omit<Provider, "secretCiphertext" | "workspaceId"> & { hasSecret: boolean };

export interface ProviderInput {
  kind: ProviderKind;
  name: string;
  baseUrl?: string | null;
  /** Plain API key; stored encrypted. */
  apiKey?: string | null;
  chatModel?: string | null;
  embeddingModel?: string | null;
  timeoutMs?: number | null;
}

/** `apiKey`: undefined keeps the stored key, null removes it, a string replaces it. */
export type ProviderPatch = Partial<ProviderInput>;

const notFound = () => new AppError("not_found", { en: "Provider not found.", zh: "找不到该模型服务。" }, 404);

function toSummary(row: Provider): ProviderSummary {
  const { secretCiphertext, workspaceId: _workspaceId, ...rest } = row;
  return { ...rest, hasSecret: secretCiphertext !== null };
}

const summaryOrder = [desc(providers.isDefault), asc(providers.createdAt), asc(providers.id)];

/**
 * The workspace's providers, the default first; never their secrets.
 * @example const list = await listProvidersByWorkspaceId(db, "local"); list[0].hasSecret
 */
export async function listProvidersByWorkspaceId(db: Db, workspaceId: string): Promise<ProviderSummary[]> {
  const rows = await dbCall("listProvidersByWorkspaceId", () =>
    db.select().from(providers).where(eq(providers.workspaceId, workspaceId)).orderBy(...summaryOrder),
  );
  return rows.map(toSummary);
}

function toConfig(row: Provider, box: SecretBox): ProviderConfig {
  return {
    id: row.id,
    kind: row.kind,
    name: row.name,
    ...(row.baseUrl !== null && { baseUrl: row.baseUrl }),
    ...(row.secretCiphertext !== null && { apiKey: box.decrypt(row.secretCiphertext, secretAad(row.workspaceId, row.id)) }),
    ...(row.chatModel !== null && { chatModel: row.chatModel }),
    ...(row.embeddingModel !== null && { embeddingModel: row.embeddingModel }),
    ...(row.timeoutMs !== null && { timeoutMs: row.timeoutMs }),
  };
}

/**
 * A provider with its decrypted API key, for building the SDK client on the server. Null when
 * the workspace has no such provider.
 * @example const config = await getProviderConfigById(db, "local", id); createChatModel(config)
 */
export async function getProviderConfigById(db: Db, workspaceId: string, id: string, box: SecretBox = secretBox()): Promise<ProviderConfig | null> {
  const rows = await dbCall("getProviderConfigById", () =>
    db.select().from(providers).where(and(eq(providers.workspaceId, workspaceId), eq(providers.id, id))).limit(1),
  );
  return rows[0] ? toConfig(rows[0], box) : null;
}

/**
 * The workspace's default provider with its decrypted key, or null when none is marked default.
 * @example const config = await getDefaultProviderConfig(db, "local");
 */
export async function getDefaultProviderConfig(db: Db, workspaceId: string, box: SecretBox = secretBox()): Promise<ProviderConfig | null> {
  const rows = await dbCall("getDefaultProviderConfig", () =>
    db.select().from(providers).where(and(eq(providers.workspaceId, workspaceId), eq(providers.isDefault, true))).limit(1),
  );
  return rows[0] ? toConfig(rows[0], box) : null;
}

/**
 * Adds a provider; its API key (if any) is encrypted, bound to this workspace and record.
 * @example await createProvider(db, "local", { kind: "openai", name: "vLLM", baseUrl, apiKey: "sk-…" });
 */
export async function createProvider(db: Db, workspaceId: string, input: ProviderInput, box: SecretBox = secretBox()): Promise<ProviderSummary> {
  // The id is chosen here because the ciphertext's associated data names it.
  const id = randomUUID();
  const secretCiphertext = input.apiKey ? box.encrypt(input.apiKey, secretAad(workspaceId, id)) : null;
  const rows = await dbCall("createProvider", () =>
    db
      .insert(providers)
      .values({
        ...jsonSafe({
          kind: input.kind,
          name: input.name,
          baseUrl: input.baseUrl ?? null,
          chatModel: input.chatModel ?? null,
          embeddingModel: input.embeddingModel ?? null,
        }),
        id,
        workspaceId,
        secretCiphertext,
        timeoutMs: input.timeoutMs ?? null,
      })
      .returning(),
  );
  return toSummary(rows[0]);
}

/**
 * Changes a provider. Fields left undefined keep their value; `apiKey: null` removes the key.
 * @example await updateProvider(db, "local", id, { chatModel: "qwen2.5:7b" }); // key kept
 */
export async function updateProvider(db: Db, workspaceId: string, id: string, patch: ProviderPatch, box: SecretBox = secretBox()): Promise<ProviderSummary> {
  const secret =
    patch.apiKey === undefined
      ? {}
      : { secretCiphertext: patch.apiKey ? box.encrypt(patch.apiKey, secretAad(workspaceId, id)) : null };
  const rows = await dbCall("updateProvider", () =>
    db
      .update(providers)
      .set({
        ...jsonSafe({ kind: patch.kind, name: patch.name, baseUrl: patch.baseUrl, chatModel: patch.chatModel, embeddingModel: patch.embeddingModel }),
        ...(patch.timeoutMs !== undefined && { timeoutMs: patch.timeoutMs }),
        ...secret,
        updatedAt: new Date(),
      })
      .where(and(eq(providers.workspaceId, workspaceId), eq(providers.id, id)))
      .returning(),
  );
  if (!rows[0]) throw notFound();
  return toSummary(rows[0]);
}

/**
 * Removes a provider and its stored key. Returns false when there was no such provider.
 * @example await deleteProviderById(db, "local", id);
 */
export async function deleteProviderById(db: Db, workspaceId: string, id: string): Promise<boolean> {
  const rows = await dbCall("deleteProviderById", () =>
    db.delete(providers).where(and(eq(providers.workspaceId, workspaceId), eq(providers.id, id))).returning({ id: providers.id }),
  );
  return rows.length > 0;
}

/**
 * Makes one provider the workspace's default (null: none). A partial unique index guarantees at
 * most one default; the switch happens in one transaction so there is never a moment with two.
 * @example await setDefaultProvider(db, "local", id);
 */
export async function setDefaultProvider(db: Db, workspaceId: string, id: string | null): Promise<void> {
  await dbCall("setDefaultProvider", async () => {
    try {
      await db.transaction(async (tx) => {
        await tx
          .update(providers)
          .set({ isDefault: false })
          .where(and(eq(providers.workspaceId, workspaceId), eq(providers.isDefault, true)));
        if (id === null) return;
        const rows = await tx
          .update(providers)
          .set({ isDefault: true })
          .where(and(eq(providers.workspaceId, workspaceId), eq(providers.id, id)))
          .returning({ id: providers.id });
        if (!rows[0]) throw notFound();
      });
    } catch (error) {
      // Two concurrent switches on PostgreSQL: the loser hits the unique index; say so plainly.
      if (!(error instanceof AppError) && pgErrorCode(error) === pgErrorCodes.uniqueViolation) throw conflict();
      throw error;
    }
  });
}

const conflict = () =>
  new AppError(
    "conflict",
    { en: "The default provider was changed at the same time elsewhere. Try again.", zh: "默认模型服务同时在别处被修改，请重试。" },
    409,
  );
