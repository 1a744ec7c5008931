import { describe, expect, it } from "vitest";
import { z } from "zod";
import { AppError } from "@/lib/errors";
import { errorResponse, parseJson, publicRoute, requestLocale, route } from "@/lib/server/request";

const schema = z.object({ name: z.string().min(1) });
const post = (body: string, type = "application/json", headers: Record<string, string> = {}) =>
  new Request("http://localhost/api/v1/x", { method: "POST", headers: { "content-type": type, ...headers }, body });

describe("request helpers", () => {
  it("reads the language from the studio's cookie before the browser's Accept-Language", () => {
    expect(requestLocale(new Request("http://x", { headers: { "accept-language": "zh-CN,zh;q=0.9" } }))).toBe("zh");
    expect(requestLocale(new Request("http://x", { headers: { "accept-language": "zh-CN", cookie: "a=1; trellis-locale=en" } }))).toBe("en");
    expect(requestLocale(new Request("http://x"))).toBe("en");
  });

  it("refuses a body that is not declared as JSON (415) and JSON that does not parse (400)", async () => {
    await expect(parseJson(post('{"name":"a"}', "text/plain"), schema)).rejects.toMatchObject({ status: 415 });
    await expect(parseJson(post("{not json"), schema)).rejects.toMatchObject({ status: 400, code: "invalid_json" });
    expect(await parseJson(post('{"name":"流程"}'), schema)).toEqual({ name: "流程" });
  });

  it("answers errors as { error: { code, message } } in the caller's language", async () => {
    const handler = publicRoute(async () => {
      throw new AppError("not_found", { en: "Flow not found.", zh: "找不到该流程。" }, 404);
    });
    const res = await handler(new Request("http://x", { headers: { "accept-language": "zh-CN" } }), { params: Promise.resolve({}) });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: { code: "not_found", message: "找不到该流程。" } });
  });

  it("C1 route() refuses a caller without credentials with 401 in their language, before the handler runs", async () => {
    let ran = false;
    const handler = route(async () => {
      ran = true;
      return Response.json({ secret: true });
    });
    const res = await handler(new Request("http://x/api/v1/flows", { headers: { "accept-language": "zh-CN" } }), { params: Promise.resolve({}) });
    expect(res.status).toBe(401);
    expect((await res.json()).error).toEqual({ code: "unauthenticated", message: expect.stringContaining("请先登录") });
    const malformed = await handler(new Request("http://x/api/v1/flows", { headers: { authorization: "Basic YTpi" } }), { params: Promise.resolve({}) });
    expect(malformed.status).toBe(401);
    expect(ran).toBe(false);
  });

  it("turns schema errors into 400 with the field named, and hides internal errors", async () => {
    const invalid = publicRoute(async (req) => Response.json(await parseJson(req, schema)));
    const res = await invalid(post('{"name":""}'), { params: Promise.resolve({}) });
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.error.code).toBe("invalid_request");
    expect(body.error.message).toContain("name");
    const internal = errorResponse(new Error("password=hunter2 at db"), "en");
    expect(internal.status).toBe(500);
    expect(await internal.text()).not.toContain("hunter2");
  });
});

describe("AppError across module copies", () => {
  it("is recognised when made by another copy of lib/errors (a Next.js build loads one per bundle)", async () => {
    // A query string makes Vite load a second, separate instance of the module.
    const copy = "@/lib/errors?copy";
    const { AppError: Other } = (await import(/* @vite-ignore */ copy)) as typeof import("@/lib/errors");
    expect(Other).not.toBe(AppError);
    const foreign = new Other("SANDBOX_TIMEOUT", { en: "too long", zh: "太久" }, 408);
    expect(foreign).toBeInstanceOf(AppError);
    expect(new Error("plain")).not.toBeInstanceOf(AppError);
    expect({ code: "x" }).not.toBeInstanceOf(AppError);
  });
});
