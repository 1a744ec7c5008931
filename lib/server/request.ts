import "server-only";
import { ZodError, type z } from "zod";
import { AppError, isAppError } from "@/lib/errors";
import { isLocale, LOCALE_COOKIE, localeFromAcceptLanguage, type Locale } from "@/lib/i18n/locale";
import type { Permission } from "@/lib/auth/permissions";
import { redactLogArgs } from "@/lib/security/redact";
import { authenticate, checkCsrf, cookieValue, requirePermission, SESSION_COOKIE, unauthenticated, type Principal } from "./auth";

const MAX_JSON_BYTES = 2 * 1024 * 1024;

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
  const text = await req.text();
  if (Buffer.byteLength(text) > MAX_JSON_BYTES) {
    throw new AppError("payload_too_large", { en: "The request body is larger than 2 MB.", zh: "请求体超过 2 MB。" }, 413);
  }
  let value: unknown;
  try {
    value = text.length ? JSON.parse(text) : {};
  } catch {
    throw new AppError("invalid_json", { en: "The request body is not valid JSON.", zh: "请求体不是合法的 JSON。" }, 400);
  }
  return schema.parse(value);
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
      return handler(req, { locale, principal, workspaceId: principal.workspaceId }, await segment.params);
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
      const principal = await authenticate(req).catch(() => null);
      return handler(req, { locale, principal }, await segment.params);
    });
  };
}

export function notFound(what: { en: string; zh: string }): AppError {
  return new AppError("not_found", { en: `${what.en} not found.`, zh: `找不到${what.zh}。` }, 404);
}
