import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { createChatModel, createEmbedder, listModels, testConnection } from "@/lib/providers";
import { getFreePort, startModelServer, type ModelServer } from "@/tests/support/model-server";
import { collect, configFor, hello, rejection, remoteKinds } from "./harness";

const fullReply = 'You said: "Hello there, how are you today?"';
let server: ModelServer;
beforeAll(async () => {
  server = await startModelServer({ tokenDelayMs: 1 });
});
afterAll(() => server.close());
beforeEach(() => {
  server.setBehaviour({});
  server.requests.length = 0;
});

const chatRequest = () => server.requests.find((r) => r.method === "POST" && /chat/.test(r.path));

describe.each(remoteKinds)("$kind provider failures", (k) => {
  it("a closed port is PROVIDER_UNREACHABLE, quickly", async () => {
    const port = await getFreePort();
    const started = Date.now();
    const error = await rejection(() => createChatModel(configFor({ url: `http://127.0.0.1:${port}` }, k)).invoke({ messages: hello }));
    expect(error.code).toBe("PROVIDER_UNREACHABLE");
    expect(Date.now() - started).toBeLessThan(2000);
    expect(error.message).toContain(`127.0.0.1:${port}`);
    if (k.kind === "ollama") expect(error.message).toContain("ollama serve");
    const listing = await testConnection(configFor({ url: `http://127.0.0.1:${port}` }, k));
    expect(listing).toMatchObject({ ok: false, error: { code: "PROVIDER_UNREACHABLE" } });
  });

  it("HTTP 500 is PROVIDER_ERROR naming the status", async () => {
    server.setBehaviour({ fail500: true });
    const error = await rejection(() => createChatModel(configFor(server, k)).invoke({ messages: hello }));
    expect(error.code).toBe("PROVIDER_ERROR");
    expect(error.message).toContain("500");
    expect(server.requests.filter((r) => /chat/.test(r.path))).toHaveLength(1); // no silent retries
    const embedError = await rejection(() => createEmbedder(configFor(server, k)).embed(["x"]));
    expect(embedError.code).toBe("PROVIDER_ERROR");
  });

  it.each(["destroy", "error"] as const)("a stream cut mid-way (%s) is PROVIDER_STREAM_BROKEN and keeps the partial text", async (mode) => {
    server.setBehaviour({ breakMidStream: { afterTokens: 4, mode } });
    const tokens: string[] = [];
    const error = await rejection(() => createChatModel(configFor(server, k)).invoke({ messages: hello, onToken: (t) => tokens.push(t) }));
    expect(error.code).toBe("PROVIDER_STREAM_BROKEN");
    expect(error.partial).toBe(tokens.join(""));
    expect(String(error.partial).length).toBeGreaterThan(0);
    expect(fullReply.startsWith(String(error.partial))).toBe(true);
    expect(error.partial).not.toBe(fullReply);
  });

  it("a server that never answers is PROVIDER_TIMEOUT within the configured timeout", async () => {
    server.setBehaviour({ hang: true });
    const started = Date.now();
    const error = await rejection(() => createChatModel(configFor(server, k, { timeoutMs: 300 })).invoke({ messages: hello }));
    expect(error.code).toBe("PROVIDER_TIMEOUT");
    expect(Date.now() - started).toBeLessThan(1500);
    await vi.waitFor(() => expect(chatRequest()?.closedEarly).toBe(true));
  });

  it("a stream that goes silent is PROVIDER_TIMEOUT with the partial text", async () => {
    server.setBehaviour({ stallAfterTokens: 3 });
    const error = await rejection(() => createChatModel(configFor(server, k, { timeoutMs: 300 })).invoke({ messages: hello }));
    expect(error.code).toBe("PROVIDER_TIMEOUT");
    expect(fullReply.startsWith(String(error.partial))).toBe(true);
    expect(String(error.partial).length).toBeGreaterThan(0);
  });

  it("an unknown model is MODEL_NOT_FOUND", async () => {
    const error = await rejection(() => createChatModel(configFor(server, k), "nope-model").invoke({ messages: hello }));
    expect(error.code).toBe("MODEL_NOT_FOUND");
    expect(error.message).toContain("nope-model");
    const localized = error.localized as { en: string; zh: string };
    if (k.kind === "ollama") {
      expect(localized.en).toContain("ollama pull nope-model");
      expect(localized.zh).toContain("ollama pull nope-model");
    }
    // A Hugging Face endpoint (TEI) serves the one model it was deployed with and ignores the name.
    if (k.kind !== "huggingface") {
      const embedError = await rejection(() => createEmbedder(configFor(server, k), "nope-embed").embed(["x"]));
      expect(embedError.code).toBe("MODEL_NOT_FOUND");
    }
  });

  it("aborting mid-stream cancels and closes the HTTP connection to the server", async () => {
    server.setBehaviour({ slowTokens: 40 });
    const controller = new AbortController();
    const tokens: string[] = [];
    const pending = createChatModel(configFor(server, k)).invoke({
      messages: hello,
      signal: controller.signal,
      onToken: (t) => {
        tokens.push(t);
        if (tokens.length === 2) controller.abort();
      },
    });
    const error = await rejection(() => pending);
    expect(error.code).toBe("CANCELLED");
    expect(tokens.length).toBeLessThan(4);
    await vi.waitFor(() => expect(chatRequest()?.closedEarly).toBe(true));
  });

  it("aborting before the first byte closes the connection too", async () => {
    server.setBehaviour({ hang: true });
    const controller = new AbortController();
    const pending = createChatModel(configFor(server, k)).invoke({ messages: hello, signal: controller.signal });
    await vi.waitFor(() => expect(chatRequest()).toBeDefined());
    controller.abort();
    expect((await rejection(() => pending)).code).toBe("CANCELLED");
    await vi.waitFor(() => expect(chatRequest()?.closedEarly).toBe(true));
  });

  it("a consumer that stops reading the stream early closes the connection", async () => {
    server.setBehaviour({ slowTokens: 40 });
    for await (const piece of createChatModel(configFor(server, k)).stream({ messages: hello })) {
      expect(piece).toBeTruthy();
      break;
    }
    await vi.waitFor(() => expect(chatRequest()?.closedEarly).toBe(true));
  });

  it("an already aborted signal never reaches the server", async () => {
    const error = await rejection(() => collect(createChatModel(configFor(server, k)).stream({ messages: hello, signal: AbortSignal.abort() })));
    expect(error.code).toBe("CANCELLED");
    expect(chatRequest()).toBeUndefined();
  });

  it("listing models honours the abort signal", async () => {
    server.setBehaviour({ hang: true });
    const controller = new AbortController();
    const pending = listModels(configFor(server, k), controller.signal);
    setTimeout(() => controller.abort(), 50);
    expect((await rejection(() => pending)).code).toBe("CANCELLED");
  });
});
