import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createChatModel, createEmbedder, listModels, testConnection } from "@/lib/providers";
import { hashEmbed } from "@/lib/providers/offline-embedder";
import { startModelServer, type ModelServer } from "@/tests/support/model-server";
import { collect, configFor, hello, remoteKinds } from "./harness";

let server: ModelServer;
beforeAll(async () => {
  server = await startModelServer({ tokenDelayMs: 1 });
});
afterAll(() => server.close());
beforeEach(() => {
  server.setBehaviour({});
  server.requests.length = 0;
});

describe.each(remoteKinds)("$kind provider over HTTP", (k) => {
  it("invoke returns the model's reply and streams it through onToken piece by piece", async () => {
    const tokens: string[] = [];
    const result = await createChatModel(configFor(server, k)).invoke({ messages: hello, onToken: (t) => tokens.push(t) });
    expect(result.text).toBe('You said: "Hello there, how are you today?"');
    expect(result.model).toBe(k.chatModel);
    expect(result.provider).toBe(`test-${k.kind}`);
    expect(tokens.length).toBeGreaterThanOrEqual(5);
    expect(tokens.join("")).toBe(result.text);
    const chat = server.requests.find((r) => r.method === "POST" && r.path.endsWith("/chat") || r.path.endsWith("/chat/completions"));
    expect((chat?.body as { model: string }).model).toBe(k.chatModel);
  });

  it("stream yields several separate tokens, Chinese included", async () => {
    const pieces = await collect(createChatModel(configFor(server, k)).stream({ messages: [{ role: "user", content: "向量数据库是什么" }] }));
    expect(pieces.join("")).toBe("你说：「向量数据库是什么」");
    expect(pieces.length).toBeGreaterThanOrEqual(8);
  });

  it("passes the whole conversation and a per-call model override", async () => {
    const messages = [
      { role: "system" as const, content: "Answer briefly." },
      { role: "user" as const, content: "first" },
      { role: "assistant" as const, content: "ok" },
      { role: "user" as const, content: "second question" },
    ];
    const model = "Qwen/Qwen2.5-7B-Instruct";
    const result = await createChatModel(configFor(server, k), model).invoke({ messages });
    expect(result.text).toBe('You said: "second question"');
    const sent = server.requests.at(-1)?.body as { model: string; messages: { role: string; content: string }[] };
    expect(sent.model).toBe(model);
    expect(sent.messages.map((m) => [m.role, m.content])).toEqual(messages.map((m) => [m.role, m.content]));
  });

  it("embeds in batches, one deterministic vector per text, in order", async () => {
    const texts = Array.from({ length: 70 }, (_, i) => (i % 2 ? `文档片段 ${i}：向量检索` : `chunk ${i} about vector search`));
    const embedder = createEmbedder(configFor(server, k));
    const vectors = await embedder.embed(texts);
    expect(vectors).toHaveLength(70);
    expect(vectors.every((v) => v.length === 768)).toBe(true);
    // The server embeds with the hash embedder: what arrived is exactly what it computed, per text.
    const maxError = Math.max(...texts.map((t, i) => Math.max(...hashEmbed(t, 768).map((x, j) => Math.abs(x - vectors[i][j])))));
    expect(maxError).toBeLessThan(1e-6);
    const again = await embedder.embed([texts[3]]);
    expect(again[0]).toEqual(vectors[3]);
    const embedCalls = server.requests.filter((r) => r.method === "POST" && !/chat/.test(r.path));
    expect(embedCalls.length).toBeGreaterThan(2); // 70 texts never go in one request
  });

  it("lists the server's chat and embedding models", async () => {
    const models = await listModels(configFor(server, k));
    const names = models.map((m) => m.name.replace(/:latest$/, ""));
    if (k.kind === "huggingface") {
      expect(models).toEqual([{ name: "Qwen/Qwen2.5-7B-Instruct", kind: "chat" }]);
    } else {
      expect(names).toEqual(expect.arrayContaining(["qwen2.5", "shaw/dmeta-embedding-zh"]));
      expect(models.find((m) => m.name.startsWith("qwen2.5"))?.kind).toBe("chat");
      expect(models.find((m) => m.name.startsWith("shaw/dmeta"))?.kind).toBe("embedding");
    }
    const test = await testConnection(configFor(server, k));
    expect(test.ok).toBe(true);
  });
});

describe("OpenAI-compatible embeddings", () => {
  it("asks for float vectors (the SDK's base64 default decodes to zeros on plain servers)", async () => {
    await createEmbedder(configFor(server, remoteKinds[1])).embed(["hello"]);
    expect((server.requests.at(-1)?.body as { encoding_format: string }).encoding_format).toBe("float");
  });

  it("sends the configured API key and reports a wrong one as PROVIDER_AUTH", async () => {
    const locked = await startModelServer({ apiKey: "sk-right" });
    try {
      const ok = await createChatModel(configFor(locked, remoteKinds[1], { apiKey: "sk-right" })).invoke({ messages: hello });
      expect(ok.text).toContain("Hello there");
      const bad = await testConnection(configFor(locked, remoteKinds[1], { apiKey: "sk-wrong" }));
      expect(bad.ok).toBe(false);
      if (!bad.ok) {
        expect(bad.error.code).toBe("PROVIDER_AUTH");
        expect(bad.error.message.zh).toContain("密钥");
      }
    } finally {
      await locked.close();
    }
  });
});
