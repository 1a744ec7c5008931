import http from "node:http";
import net from "node:net";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createChatModel, createEmbedder, isProviderError, listModels, type ProviderConfig, type ProviderError } from "@/lib/providers";
import { hashEmbed } from "@/lib/providers/offline-embedder";
import { createProviderFetch, type ConnectTarget } from "@/lib/security/provider-fetch";
import { checkProviderUrl } from "@/lib/security/provider-url";
import { getFreePort, startModelServer, type ModelServer } from "@/tests/support/model-server";
import { collect, hello, remoteKinds, type RemoteKind } from "../providers/harness";

/*
 * Nothing here dials anything but 127.0.0.1: the resolver is a table, and the connector records
 * what the provider fetch asked for and only ever opens 127.0.0.1 (the test model server, the
 * redirecting server, or a closed port standing in for an address that refuses). A refused
 * address that reached the connector would show up in `dials` and fail the test, never as traffic.
 */
const METADATA = "169.254.169.254";

let modelServer: ModelServer;
let redirector: http.Server;
let redirectorPort = 0;
let closedPort = 0;

let dials: ConnectTarget[];
let lookups: string[];
let names: Record<string, string[]>;
/** Addresses the connector treats as "connection refused" (dials a closed loopback port). */
const refusing = new Set(["10.255.255.1"]);

async function tableResolve(hostname: string): Promise<string[]> {
  lookups.push(hostname);
  const found = names[hostname];
  if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: "ENOTFOUND" });
  return found;
}

function recordingConnect(target: ConnectTarget): net.Socket {
  dials.push(target);
  if (target.tls) throw new Error(`test connector refuses TLS to ${target.address}`);
  if (refusing.has(target.address)) return net.connect({ host: "127.0.0.1", port: closedPort });
  if (target.address !== "127.0.0.1") throw new Error(`test connector refuses to dial ${target.address}`);
  return net.connect({ host: "127.0.0.1", port: target.port });
}

const network = { resolve: tableResolve, connect: recordingConnect };

function configAt(host: string, port: number, k: RemoteKind): ProviderConfig {
  return { id: `c12-${k.kind}`, kind: k.kind, name: `C12 ${k.kind}`, baseUrl: `http://${host}:${port}${k.path}`, chatModel: k.chatModel, embeddingModel: k.embeddingModel };
}

async function providerFailure(fn: () => Promise<unknown>): Promise<ProviderError> {
  const error = await fn().then(
    () => null,
    (e: unknown) => e,
  );
  if (!isProviderError(error)) throw new Error(`expected a ProviderError, got ${String(error)}`);
  return error;
}

function expectBlocked(error: ProviderError, address: string) {
  expect(error.code).toBe("PROVIDER_URL_BLOCKED");
  expect(error.status).toBe(400);
  expect(error.localized.en).toContain(address);
  expect(error.localized.en).toMatch(/refused/);
  expect(error.localized.zh).toContain(address);
  expect(error.localized.zh).toContain("已拒绝");
}

const dialled = () => dials.map((d) => d.address);

beforeAll(async () => {
  modelServer = await startModelServer({ tokenDelayMs: 1 });
  closedPort = await getFreePort();
  // A model server that redirects elsewhere: to metadata by address, to a name that resolves to
  // metadata, and (allowed) back to the real test model server on loopback.
  redirector = http.createServer((req, res) => {
    req.resume();
    const path = (req.url ?? "/").split("?")[0];
    if (path === "/api/chat") return void res.writeHead(307, { location: `http://${METADATA}/api/chat` }).end();
    if (path === "/api/embed") return void res.writeHead(308, { location: "http://[::ffff:169.254.169.254]/api/embed" }).end();
    if (path === "/v1/chat/completions") return void res.writeHead(302, { location: "http://rebound.test/v1/chat/completions" }).end();
    if (path === "/v1/embeddings") return void res.writeHead(307, { location: "http://metadata.google.internal/v1/embeddings" }).end();
    if (path === "/api/tags") return void res.writeHead(301, { location: `http://models.test:${modelServer.port}/api/tags` }).end();
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => redirector.listen(0, "127.0.0.1", resolve));
  redirectorPort = (redirector.address() as AddressInfo).port;
});

afterAll(async () => {
  redirector.closeAllConnections();
  await new Promise((resolve) => redirector.close(resolve));
  await modelServer.close();
});

beforeEach(() => {
  dials = [];
  lookups = [];
  names = {
    "models.test": ["127.0.0.1"],
    "mixed.test": ["10.0.0.5", METADATA],
    "mixed-first.test": [METADATA, "127.0.0.1"],
    "mixed6.test": ["127.0.0.1", "fe80::1"],
    "rebound.test": ["169.254.170.2"],
    "fallback.test": ["10.255.255.1", "127.0.0.1"],
  };
  modelServer.setBehaviour({});
  modelServer.requests.length = 0;
});

describe("C12 provider requests are resolved, checked and pinned at request time", () => {
  it.each(remoteKinds)("C12 $kind: a host that resolved to 127.0.0.1 when saved and now resolves to 169.254.169.254 is refused, and never dialled", async (k) => {
    const config = configAt("models.test", modelServer.port, k);
    await expect(checkProviderUrl(config.baseUrl ?? "", { resolve: tableResolve })).resolves.toBeInstanceOf(URL);

    names["models.test"] = [METADATA];
    const chat = await providerFailure(() => createChatModel(config, undefined, { network }).invoke({ messages: hello }));
    expectBlocked(chat, METADATA);
    const embed = await providerFailure(() => createEmbedder(config, undefined, { network }).embed(["向量检索"]));
    expectBlocked(embed, METADATA);

    expect(lookups.filter((name) => name === "models.test").length).toBeGreaterThanOrEqual(3);
    expect(dials).toEqual([]);
    expect(modelServer.requests).toEqual([]);
  });

  it.each(["mixed.test", "mixed-first.test", "mixed6.test"])("C12 refuses %s, a name that resolves to an allowed and a refused address, before dialling either", async (host) => {
    const k = remoteKinds[0];
    const error = await providerFailure(() => createChatModel(configAt(host, modelServer.port, k), undefined, { network }).invoke({ messages: hello }));
    expectBlocked(error, names[host].find((a) => a === METADATA || a.startsWith("fe80")) ?? "");
    expect(dials).toEqual([]);
  });

  it.each([
    ["ollama chat: 307 to http://169.254.169.254", 0, "chat", METADATA],
    ["ollama embeddings: 308 to IPv4-mapped metadata", 0, "embed", "::ffff:a9fe:a9fe"],
    ["openai chat: 302 to a name that resolves to 169.254.170.2", 1, "chat", "169.254.170.2"],
    ["openai embeddings: 307 to metadata.google.internal", 1, "embed", "metadata.google.internal"],
  ] as const)("C12 refuses a redirect from the model server (%s)", async (_label, index, call, target) => {
    const config = configAt("models.test", redirectorPort, remoteKinds[index]);
    const error = await providerFailure(() =>
      call === "chat" ? createChatModel(config, undefined, { network }).invoke({ messages: hello }) : createEmbedder(config, undefined, { network }).embed(["hello"]),
    );
    expectBlocked(error, target);
    // Only the redirecting server on loopback was ever dialled.
    expect(dials.length).toBeGreaterThan(0);
    expect(new Set(dialled())).toEqual(new Set(["127.0.0.1"]));
    expect(dials.every((d) => d.port === redirectorPort)).toBe(true);
  });

  it("C12 follows a redirect to another allowed address and re-resolves its host", async () => {
    const models = await listModels(configAt("models.test", redirectorPort, remoteKinds[0]), undefined, { network });
    expect(models.map((m) => m.name)).toContain("qwen2.5:latest");
    expect(dials.some((d) => d.port === redirectorPort)).toBe(true);
    expect(dials.some((d) => d.port === modelServer.port)).toBe(true);
    expect(new Set(dialled())).toEqual(new Set(["127.0.0.1"]));
  });

  it("C12 gives the platform fetch's network error when the name has no address, and dials nothing", async () => {
    const fetchModel = createProviderFetch(network);
    const error = (await fetchModel("http://nowhere.test/api/tags").catch((e: unknown) => e)) as TypeError & { cause?: { code?: string } };
    expect(error).toBeInstanceOf(TypeError);
    expect(error.cause?.code).toBe("ENOTFOUND");
    expect(dials).toEqual([]);
  });

  it("C12 tries the checked addresses in order when one refuses the connection, never another name lookup", async () => {
    const fetchModel = createProviderFetch(network);
    const response = await fetchModel(`http://fallback.test:${modelServer.port}/api/tags`);
    expect(response.status).toBe(200);
    expect(((await response.json()) as { models: unknown[] }).models.length).toBeGreaterThan(0);
    expect(dialled()).toEqual(["10.255.255.1", "127.0.0.1"]);
    expect(lookups).toEqual(["fallback.test"]);
  });
});

describe.each(remoteKinds)("C12 $kind streams and embeds through the pinned fetch", (k) => {
  it("C12 streams chat token by token from the model server the name resolved to", async () => {
    const pieces = await collect(createChatModel(configAt("models.test", modelServer.port, k), undefined, { network }).stream({ messages: [{ role: "user", content: "你好，向量检索" }] }));
    expect(pieces.length).toBeGreaterThanOrEqual(5);
    expect(pieces.join("")).toBe("你说：「你好，向量检索」");
    expect(lookups).toContain("models.test");
    expect(dials.length).toBeGreaterThan(0);
    expect(dials.every((d) => d.address === "127.0.0.1" && d.port === modelServer.port && d.servername === "models.test")).toBe(true);
    const chat = modelServer.requests.find((r) => r.method === "POST" && /chat/.test(r.path));
    expect(chat?.headers.host).toBe(`models.test:${modelServer.port}`);
  });

  it("C12 embeds texts through the pinned fetch", async () => {
    const texts = ["向量数据库", "hello world", "检索增强生成"];
    const vectors = await createEmbedder(configAt("models.test", modelServer.port, k), undefined, { network }).embed(texts);
    expect(vectors).toHaveLength(3);
    if (k.kind !== "huggingface") expect(vectors[1]).toEqual(hashEmbed("hello world", 768));
    expect(dials.length).toBeGreaterThan(0);
    expect(new Set(dialled())).toEqual(new Set(["127.0.0.1"]));
  });
});
