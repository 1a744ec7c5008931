import { describe, expect, it } from "vitest";
import { AppError, isAppError } from "@/lib/errors";
import type { GuardedRequest, GuardedResponse } from "@/nodes/context";
import { portsOf } from "@/nodes/define";
import { httpRequest } from "@/nodes/http-request";
import { fakeCtx } from "./fake-ctx";

function fakeFetch(response: Partial<GuardedResponse>) {
  const calls: GuardedRequest[] = [];
  const fetch = async (request: GuardedRequest): Promise<GuardedResponse> => {
    calls.push(request);
    return { status: 200, headers: {}, body: "", truncated: false, url: request.url, ...response };
  };
  return { calls, fetch };
}

describe("http-request node", () => {
  it("applies defaults", () => {
    expect(httpRequest.config.parse({ url: "https://api.example.com" })).toEqual({
      method: "GET",
      url: "https://api.example.com",
      headers: [],
      bodyFormat: "text",
      body: "",
      timeoutMs: 10_000,
      maxBytes: 1024 * 1024,
    });
  });

  it.each([
    {},
    { url: "file:///etc/passwd" },
    { url: "gopher://example.com/_x" },
    { url: "ftp://{{host}}/x" },
    { url: "not a url" },
    { url: "https://x.test", timeoutMs: 60_001 },
    { url: "https://x.test", maxBytes: 1024 * 1024 + 1 },
    { url: "https://x.test", method: "TRACE" },
    { url: "https://x.test", headers: [{ name: "Bad Header", value: "x" }] },
    { url: "https://x.test", headers: [{ name: "Host", value: "internal" }] },
  ])("rejects bad settings %j", (bad) => {
    expect(() => httpRequest.config.parse(bad)).toThrow();
  });

  it("has one text input per variable in url, headers and body", () => {
    const config = httpRequest.config.parse({
      method: "POST",
      url: "https://api.example.com/{{路径}}?q={{问题}}",
      headers: [{ name: "Authorization", value: "Bearer {{token}}" }],
      body: '{"q":"{{问题}}","city":"{{城市}}"}',
    });
    expect(Object.keys(portsOf(httpRequest, config).inputs)).toEqual(["路径", "问题", "token", "城市"]);
  });

  it("URL-encodes values, renders headers and JSON-escapes a JSON body", async () => {
    const { calls, fetch } = fakeFetch({ status: 201, body: '{"ok":true,"城市":"上海"}' });
    const config = httpRequest.config.parse({
      method: "POST",
      url: "https://api.example.com/search?q={{问题}}&lang=zh",
      headers: [{ name: "X-Token", value: "t-{{token}}" }],
      bodyFormat: "json",
      body: '{"q":"{{问题}}"}',
      timeoutMs: 5000,
      maxBytes: 4096,
    });
    const ctx = fakeCtx({ fetch });
    const out = await httpRequest.run({ config, inputs: { 问题: '北京 & "上海"', token: "abc" }, ctx });

    expect(calls[0]).toEqual({
      url: "https://api.example.com/search?q=%E5%8C%97%E4%BA%AC%20%26%20%22%E4%B8%8A%E6%B5%B7%22&lang=zh",
      method: "POST",
      headers: { "X-Token": "t-abc", "Content-Type": "application/json" },
      body: '{"q":"北京 & \\"上海\\""}',
      timeoutMs: 5000,
      maxBytes: 4096,
      signal: ctx.signal,
    });
    expect(JSON.parse(calls[0].body ?? "")).toEqual({ q: '北京 & "上海"' });
    expect(out).toEqual({ status: 201, body: '{"ok":true,"城市":"上海"}', json: { ok: true, 城市: "上海" } });
  });

  it("inserts a variable that starts the URL as is", async () => {
    const { calls, fetch } = fakeFetch({ body: "plain" });
    const config = httpRequest.config.parse({ url: "{{base}}/v1?x={{x}}" });
    await httpRequest.run({ config, inputs: { base: "https://api.example.com", x: "a/b" }, ctx: fakeCtx({ fetch }) });
    expect(calls[0].url).toBe("https://api.example.com/v1?x=a%2Fb");
    expect(calls[0].body).toBeUndefined();
  });

  it("reports a non-JSON or truncated body without a json output", async () => {
    const config = httpRequest.config.parse({ url: "https://example.com" });
    const html = fakeFetch({ status: 404, body: "<h1>没有找到</h1>" });
    expect(await httpRequest.run({ config, inputs: {}, ctx: fakeCtx({ fetch: html.fetch }) })).toEqual({ status: 404, body: "<h1>没有找到</h1>" });
    const cut = fakeFetch({ body: '{"a":1}', truncated: true });
    expect(await httpRequest.run({ config, inputs: {}, ctx: fakeCtx({ fetch: cut.fetch }) })).not.toHaveProperty("json");
  });

  it("refuses a header value that would inject a line", async () => {
    const { calls, fetch } = fakeFetch({});
    const config = httpRequest.config.parse({ url: "https://example.com", headers: [{ name: "X-A", value: "{{v}}" }] });
    const error = await httpRequest.run({ config, inputs: { v: "a\r\nX-Evil: 1" }, ctx: fakeCtx({ fetch }) }).catch((e: unknown) => e);
    expect(isAppError(error) && error.code).toBe("HTTP_HEADER_INVALID");
    expect(calls).toHaveLength(0);
  });

  it("reports an unusable rendered URL in both languages", async () => {
    const config = httpRequest.config.parse({ url: "{{u}}" });
    const error = await httpRequest.run({ config, inputs: { u: "不是网址" }, ctx: fakeCtx() }).catch((e: unknown) => e);
    expect(isAppError(error) && error.code).toBe("URL_INVALID");
    expect(isAppError(error) && error.messageIn("zh")).toContain("不是有效的网址");
  });

  it("lets guard errors reach the engine unchanged", async () => {
    const blocked = new AppError("SSRF_BLOCKED", { en: "blocked", zh: "已拦截" }, 400);
    const config = httpRequest.config.parse({ url: "http://169.254.169.254/latest/meta-data/" });
    const fetch = async () => {
      throw blocked;
    };
    await expect(httpRequest.run({ config, inputs: {}, ctx: fakeCtx({ fetch }) })).rejects.toBe(blocked);
  });
});
