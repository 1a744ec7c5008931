import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createChatModel,
  createEmbedder,
  listModels,
  offlineProvider,
  ollamaDefaultProvider,
  probeOllama,
  testConnection,
  type ProviderConfig,
} from "@/lib/providers";
import { getFreePort, startModelServer, type ModelServer } from "@/tests/support/model-server";

let server: ModelServer;
beforeAll(async () => {
  server = await startModelServer();
});
afterAll(() => server.close());

describe("probeOllama", () => {
  it("is true when Ollama answers /api/tags", async () => {
    expect(await probeOllama(server.url)).toBe(true);
    expect(server.requests.at(-1)?.path).toBe("/api/tags");
  });

  it("is false, quickly, on a closed port", async () => {
    const started = Date.now();
    expect(await probeOllama(`http://127.0.0.1:${await getFreePort()}`)).toBe(false);
    expect(Date.now() - started).toBeLessThan(800);
  });

  it("is false within its timeout when the server hangs", async () => {
    const hanging = await startModelServer({ behaviour: { hang: true } });
    try {
      const started = Date.now();
      expect(await probeOllama(hanging.url, 200)).toBe(false);
      expect(Date.now() - started).toBeLessThan(1000);
    } finally {
      await hanging.close();
    }
  });
});

describe("default providers", () => {
  it("ollama-local uses qwen2.5 and dmeta-embedding-zh at the given URL", async () => {
    const config = ollamaDefaultProvider(server.url);
    expect(config).toMatchObject({ id: "ollama-local", kind: "ollama", chatModel: "qwen2.5", embeddingModel: "shaw/dmeta-embedding-zh" });
    const result = await createChatModel(config).invoke({ messages: [{ role: "user", content: "你好" }] });
    expect(result.text).toBe("你说：「你好」");
    expect(createEmbedder(config).model).toBe("shaw/dmeta-embedding-zh");
  });

  it("offline needs nothing and lists its two models", async () => {
    expect(offlineProvider.id).toBe("offline");
    expect(createChatModel(offlineProvider).model).toBe("offline-extractive-answerer");
    expect(createEmbedder(offlineProvider).model).toBe("offline-hash-embedder");
    expect(await testConnection(offlineProvider)).toEqual({ ok: true, models: await listModels(offlineProvider) });
  });
});

describe("bad configuration is a clear error in both languages", () => {
  it.each<[string, ProviderConfig, RegExp]>([
    ["OpenAI-compatible without a base URL", { id: "x", kind: "openai", name: "vLLM" }, /base URL/],
    ["Hugging Face with neither token nor endpoint", { id: "x", kind: "huggingface", name: "HF" }, /token/],
    ["an unknown kind", { id: "x", kind: "nope" as ProviderConfig["kind"], name: "?" }, /Unknown provider kind/],
  ])("%s", async (_label, config, message) => {
    expect(() => createChatModel(config)).toThrow(message);
    const result = await testConnection(config);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.message.en).toMatch(message);
      expect(result.error.message.zh).toMatch(/[\u4e00-\u9fff]/);
    }
  });
});
