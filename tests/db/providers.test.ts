import { randomBytes } from "node:crypto";
import { expect, it } from "vitest";
import {
  createProvider,
  deleteProviderById,
  getDefaultProviderConfig,
  getProviderConfigById,
  listProvidersByWorkspaceId,
  setDefaultProvider,
  updateProvider,
} from "@/lib/db/queries/providers";
import { LOCAL_WORKSPACE_ID } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import { createSecretBox } from "@/lib/security/secrets";
import { forEachDatabase } from "../support/db";

const ws = LOCAL_WORKSPACE_ID;
const box = createSecretBox(randomBytes(32));
const apiKey = "sk-live-密钥-0123456789";

forEachDatabase("providers", (t) => {
  const storedCiphertext = async (id: string) =>
    (await t.query<{ secret_ciphertext: string | null }>("select secret_ciphertext from providers where id = $1", [id]))[0]
      ?.secret_ciphertext;

  it("stores the API key encrypted and gives it back only through getProviderConfigById", async () => {
    const created = await createProvider(
      t.db,
      ws,
      { kind: "openai", name: "本地 vLLM", baseUrl: "http://127.0.0.1:8000/v1", apiKey, chatModel: "qwen2.5", timeoutMs: 30_000 },
      box,
    );
    expect(created).toMatchObject({ kind: "openai", name: "本地 vLLM", hasSecret: true, isDefault: false });
    expect(JSON.stringify(created)).not.toContain(apiKey);
    expect(created).not.toHaveProperty("secretCiphertext");

    const ciphertext = await storedCiphertext(created.id);
    expect(ciphertext).toMatch(/^v1:/);
    expect(ciphertext).not.toContain(apiKey);

    const listed = await listProvidersByWorkspaceId(t.db, ws);
    expect(JSON.stringify(listed)).not.toContain(apiKey);
    expect(JSON.stringify(listed)).not.toContain(ciphertext);
    expect(listed.find((p) => p.id === created.id)?.hasSecret).toBe(true);

    expect(await getProviderConfigById(t.db, ws, created.id, box)).toEqual({
      id: created.id,
      kind: "openai",
      name: "本地 vLLM",
      baseUrl: "http://127.0.0.1:8000/v1",
      apiKey,
      chatModel: "qwen2.5",
      timeoutMs: 30_000,
    });
  });

  it("refuses to decrypt a key moved to another provider row", async () => {
    const a = await createProvider(t.db, ws, { kind: "openai", name: "a", apiKey: "key-a" }, box);
    const b = await createProvider(t.db, ws, { kind: "openai", name: "b", apiKey: "key-b" }, box);
    await t.query("update providers set secret_ciphertext = (select secret_ciphertext from providers where id = $1) where id = $2", [a.id, b.id]);
    await expect(getProviderConfigById(t.db, ws, b.id, box)).rejects.toMatchObject({ code: "internal:secret" });
  });

  it("keeps, replaces or removes the key on update as asked", async () => {
    const p = await createProvider(t.db, ws, { kind: "huggingface", name: "HF", apiKey: "hf_old" }, box);

    await updateProvider(t.db, ws, p.id, { chatModel: "Qwen/Qwen2.5-7B-Instruct" }, box);
    expect(await getProviderConfigById(t.db, ws, p.id, box)).toMatchObject({ apiKey: "hf_old", chatModel: "Qwen/Qwen2.5-7B-Instruct" });

    await updateProvider(t.db, ws, p.id, { apiKey: "hf_new" }, box);
    expect((await getProviderConfigById(t.db, ws, p.id, box))?.apiKey).toBe("hf_new");

    const cleared = await updateProvider(t.db, ws, p.id, { apiKey: null, baseUrl: null }, box);
    expect(cleared.hasSecret).toBe(false);
    expect(await storedCiphertext(p.id)).toBeNull();
    expect(await getProviderConfigById(t.db, ws, p.id, box)).not.toHaveProperty("apiKey");
  });

  it("keeps exactly one default per workspace", async () => {
    const a = await createProvider(t.db, ws, { kind: "ollama", name: "Ollama", baseUrl: "http://127.0.0.1:11434" }, box);
    const b = await createProvider(t.db, ws, { kind: "offline", name: "Offline" }, box);

    await setDefaultProvider(t.db, ws, a.id);
    await setDefaultProvider(t.db, ws, b.id);
    const defaults = (await listProvidersByWorkspaceId(t.db, ws)).filter((p) => p.isDefault);
    expect(defaults.map((p) => p.id)).toEqual([b.id]);
    expect((await listProvidersByWorkspaceId(t.db, ws))[0].id).toBe(b.id);
    expect((await getDefaultProviderConfig(t.db, ws, box))?.id).toBe(b.id);

    // A second default written behind the queries' back is refused by the database itself.
    await expect(t.query("update providers set is_default = true where id = $1", [a.id])).rejects.toThrow();

    await setDefaultProvider(t.db, ws, null);
    expect((await listProvidersByWorkspaceId(t.db, ws)).some((p) => p.isDefault)).toBe(false);
    expect(await getDefaultProviderConfig(t.db, ws, box)).toBeNull();
  });

  it("does not change the default when the new one does not exist", async () => {
    const a = await createProvider(t.db, ws, { kind: "ollama", name: "keep me" }, box);
    await setDefaultProvider(t.db, ws, a.id);
    await expect(setDefaultProvider(t.db, ws, "missing")).rejects.toMatchObject({ code: "not_found", status: 404 });
    expect((await getDefaultProviderConfig(t.db, ws, box))?.id).toBe(a.id);
  });

  it("isolates workspaces and reports missing providers", async () => {
    await t.query("INSERT INTO workspaces (id, name) VALUES ('other', 'Other') ON CONFLICT DO NOTHING");
    const p = await createProvider(t.db, ws, { kind: "openai", name: "mine", apiKey: "x" }, box);
    expect(await getProviderConfigById(t.db, "other", p.id, box)).toBeNull();
    const error = await updateProvider(t.db, "other", p.id, { name: "stolen" }, box).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: "not_found", status: 404 });
    expect(await deleteProviderById(t.db, "other", p.id)).toBe(false);
    expect(await deleteProviderById(t.db, ws, p.id)).toBe(true);
    expect(await getProviderConfigById(t.db, ws, p.id, box)).toBeNull();
  });
});
