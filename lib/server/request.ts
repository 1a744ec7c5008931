import "server-only";
import { ZodError, type z } from "zod";
import { AppError, isAppError } from "@/lib/errors";
import { isLocale, LOCALE_COOKIE, localeFromAcceptLanguage, type Locale } from "@/lib/i18n/locale";
import { redactLogArgs } from "@/lib/security/redact";


/** The workspace every object belongs to until accounts arrive; the one seam where auth will plug in. */
export const LOCAL_WORKSPACE = "local";
const MAX_JSON_BYTES = 2 * 1024 * 1024;

export interface RequestContext {
  workspaceId: string;
  locale: Locale;
}

function cookieValue(header: string | null, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const [key, ...rest] = part.trim().split("=");
    if (key === name) return decodeURIComponent(rest.join("="));
  }
  return undefined;
}

/** Who is asking and in which language they read: the explicit choice (cookie) first, then the browser's. */
export function requestContext(req: Request): RequestContext {
  const chosen = cookieValue(req.headers.get("cookie"), LOCALE_COOKIE);
  const locale = isLocale(chosen) ? chosen : localeFromAcceptLanguage(req.headers.get("accept-language"));
  return { workspaceId: LOCAL_WORKSPACE, locale };
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

/**
 * Wraps a route handler: builds the request context, turns AppError and zod errors into the API's
 * `{ error: { code, message } }` shape in the caller's language.
 * @example export const GET = route(async (req, ctx) => Response.json(await listFlows(ctx)));
 */
export function route<P = Record<string, never>>(handler: Handler<P>) {
  return async (req: Request, segment: { params: Promise<P> }): Promise<Response> => {
    const ctx = requestContext(req);
    try {
      return await handler(req, ctx, await segment.params);
    } catch (error) {
      return errorResponse(error, ctx.locale);
    }
  };
}

export function notFound(what: { en: string; zh: string }): AppError {
  return new AppError("not_found", { en: `${what.en} not found.`, zh: `找不到${what.zh}。` }, 404);
}
