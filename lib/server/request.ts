import "server-only";
import { ZodError, type z } from "zod";
import { AppError, isAppError } from "@/lib/errors";
import { isLocale, LOCALE_COOKIE, localeFromAcceptLanguage, type Locale } from "@/lib/i18n/locale";
import type { Permission } from "@/lib/auth/permissions";
import { findJsonProblem, hasInvalidText, printable, type JsonProblem } from "@/lib/security/input-text";
import { redactLogArgs } from "@/lib/security/redact";
import { authenticate, checkCsrf, cookieValue, requirePermission, SESSION_COOKIE, unauthenticated, type Principal } from "./auth";

const MAX_JSON_BYTES = 2 * 1024 * 1024;
/** Deeper than any document Trellis stores (a flow graph is about 8 levels deep). */
const MAX_JSON_DEPTH = 64;

export interface PublicContext {
  locale: Locale;
  /** The caller when they happen to be logged in (public routes never require it). */
  principal: Principal | null;
}

export interface RequestContext extends PublicContext {
  /** The caller's workspace: every query of the request is scoped by it (C11). */
  workspaceId: string;
  principal: Principal;
}

/** The caller's language: the explicit choice (cookie) first, then the browser's. */
export function requestLocale(req: Request): Locale {
  const chosen = cookieValue(req.headers.get("cookie"), LOCALE_COOKIE);
  return isLocale(chosen) ? chosen : localeFromAcceptLanguage(req.headers.get("accept-language"));
}

/**
 * Parses a JSON body strictly: the declared content type must be JSON (C8) and the size is capped.
 * @example const body = await parseJson(req, createFlowSchema);
 */
export async function parseJson<S extends z.ZodType>(req: Request, schema: S): Promise<z.output<S>> {
  const type = req.headers.get("content-type") ?? "";
  if (!type.toLowerCase().startsWith("application/json")) {
    throw new AppError("unsupported_media_type", { en: "Send the request body as application/json.", zh: "请求体须为 application/json 格式。" }, 415);
  }
  const tooLarge = () => new AppError("payload_too_large", { en: "The request body is larger than 2 MB.", zh: "请求体超过 2 MB。" }, 413);
  // The framework lets bodies as large as an upload through (next.config.js); JSON stops at 2 MB unread.
  if (Number(req.headers.get("content-length") ?? 0) > MAX_JSON_BYTES) throw tooLarge();
  const text = await req.text();
  if (Buffer.byteLength(text) > MAX_JSON_BYTES) throw tooLarge();
  let value: unknown;
  try {
    value = text.length ? JSON.parse(text) : {};
  } catch {
    throw new AppError("invalid_json", { en: "The request body is not valid JSON.", zh: "请求体不是合法的 JSON。" }, 400);
  }
  const problem = findJsonProblem(value, { maxDepth: MAX_JSON_DEPTH });
  if (problem) throw jsonProblemError(problem);
  return schema.parse(value);
}

/**
 * The 400 for input that cannot be stored or walked safely: `invalid_text` (NUL or an unpaired
 * surrogate in a string or key) or `too_deep`. `where` names the field, e.g. "variables.name".
 * @example throw jsonProblemError({ kind: "invalid_text", path: "email" });
 */
export function jsonProblemError(problem: JsonProblem, where = problem.path): AppError {
  const at = where ? { en: ` (${where})`, zh: `（${where}）` } : { en: "", zh: "" };
  if (problem.kind === "invalid_text") {
    return new AppError(
      "invalid_text",
      {
        en: `The request contains a character that cannot be stored${at.en}: a NUL character or a broken Unicode character. Remove it and try again.`,
        zh: `请求中含有无法保存的字符${at.zh}：NUL 字符或损坏的 Unicode 字符。请删除后重试。`,
      },
      400,
      { path: where },
    );
  }
  return new AppError(
    "too_deep",
    { en: `The request is nested more than ${problem.maxDepth} levels deep${at.en}.`, zh: `请求的嵌套层级超过 ${problem.maxDepth} 层${at.zh}。` },
    400,
    { path: where },
  );
}

/**
 * One check at the door for what the URL carries: a path segment with a character no id can
 * hold (NUL, a control character, a broken Unicode character from invalid UTF-8) names nothing
 * that exists → 404; such a character in the query string → 400 invalid_text.
 */
function checkUrlText(req: Request, params: unknown): void {
  if (params && typeof params === "object") {
    for (const value of Object.values(params)) {
      const parts = Array.isArray(value) ? value : [value];
      if (parts.some((part) => typeof part === "string" && (hasInvalidText(part) || /[\p{Cc}\uFFFD]/u.test(part)))) {
        throw new AppError("not_found", { en: "Not found.", zh: "找不到该内容。" }, 404);
      }
    }
  }
  for (const [key, value] of new URL(req.url).searchParams) {
    if (hasInvalidText(key) || hasInvalidText(value)) throw jsonProblemError({ kind: "invalid_text", path: printable(key) });
  }
}

function zodToAppError(error: ZodError): AppError {
  const details = error.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message }));
  const first = details[0];
  const where = first?.path ? ` (${first.path})` : "";
  return new AppError(
    "invalid_request",
    { en: `The request is invalid${where}: ${first?.message ?? ""}`, zh: `请求无效${where}：${first?.message ?? ""}` },
    400,
    details,
  );
}

export function errorResponse(error: unknown, locale: Locale): Response {
  const appError = isAppError(error)
    ? error
    : error instanceof ZodError
      ? zodToAppError(error)
      : new AppError("internal", { en: "Something went wrong on the server.", zh: "服务器出错了。" }, 500);
  // Redacted (C24): an error may quote a request header or a URL with a token in it.
  if (appError.status >= 500) console.error(...redactLogArgs(["[trellis]", error]));
  return Response.json(appError.toJSON(locale), { status: appError.status });
}

type Handler<P> = (req: Request, ctx: RequestContext, params: P) => Promise<Response>;
type PublicHandler<P> = (req: Request, ctx: PublicContext, params: P) => Promise<Response>;

export interface RouteOptions {
  /** The permission the caller's role needs; default "read" for GET/HEAD and "edit" for writes. */
  allow?: Permission;
}

async function handle(locale: Locale, run: () => Promise<Response>): Promise<Response> {
  try {
    return await run();
  } catch (error) {
    return errorResponse(error, locale);
  }
}

/**
 * Wraps a route handler, deny by default (C1): the caller must present a valid session cookie
 * (writes also pass the CSRF origin check) or an API key, and their role must allow the
 * route's permission; the handler then gets the caller's workspace. AppError and zod errors
 * become the API's `{ error: { code, message } }` shape in the caller's language.
 * @example export const GET = route(async (req, ctx) => Response.json(await listFlows(ctx)));
 * @example export const DELETE = route(handler, { allow: "admin" });
 */
export function route<P = Record<string, never>>(handler: Handler<P>, options: RouteOptions = {}) {
  return async (req: Request, segment: { params: Promise<P> }): Promise<Response> => {
    const locale = requestLocale(req);
    return handle(locale, async () => {
      const principal = await authenticate(req);
      if (!principal) throw unauthenticated();
      if (principal.kind === "session") checkCsrf(req);
      requirePermission(principal, options.allow ?? (req.method === "GET" || req.method === "HEAD" ? "read" : "edit"));
      const params = await segment.params;
      checkUrlText(req, params);
      return handler(req, { locale, principal, workspaceId: principal.workspaceId }, params);
    });
  };
}

/**
 * A route anyone may call without logging in. Every use must be listed in
 * lib/server/public-routes.ts, which the route-enumeration test (tests/e2e/routes-auth.test.ts)
 * checks against the built app. Writes still pass the CSRF origin check when a cookie is present.
 */
export function publicRoute<P = Record<string, never>>(handler: PublicHandler<P>) {
  return async (req: Request, segment: { params: Promise<P> }): Promise<Response> => {
    const locale = requestLocale(req);
    return handle(locale, async () => {
      if (cookieValue(req.headers.get("cookie"), SESSION_COOKIE)) checkCsrf(req);
      const params = await segment.params;
      checkUrlText(req, params);
      const principal = await authenticate(req).catch(() => null);
      return handler(req, { locale, principal }, params);
    });
  };
}

export function notFound(what: { en: string; zh: string }): AppError {
  return new AppError("not_found", { en: `${what.en} not found.`, zh: `找不到${what.zh}。` }, 404);
}
