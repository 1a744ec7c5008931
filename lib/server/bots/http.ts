import "server-only";
import { readBotSettings } from "@/lib/bots/types";
import type { Bot } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import { isLocale, type Locale } from "@/lib/i18n/locale";
import { requestOrigin } from "../auth";
import { errorResponse, requestLocale } from "../request";
import { LimitError } from "./limits";
import { verifyEndUserToken, type EndUser } from "./credentials";
import type { ChatEvent } from "./chat";
import { sseFrame, SSE_HEADERS } from "../sse";

/**
 * The HTTP side of the public bot surfaces (chat, bot API, OpenAI-compatible endpoint): a route
 * wrapper that answers errors in the caller's language with Retry-After on 429, the Origin check
 * (C17), the end-user token, and the chat event stream. None of these routes looks at studio
 * sessions or workspace keys: a bot's surfaces are reached by its slug, an end-user token or a bot key.
 */

export interface BotRequestContext {
  locale: Locale;
  ip: string;
}

type Handler<P> = (req: Request, ctx: BotRequestContext, params: P) => Promise<Response>;

/**
 * The address the per-address limit counts: the *last* X-Forwarded-For entry, the one the proxy
 * nearest to us appended (earlier entries are whatever the client sent). `next start` fills the
 * header from the socket only when it is absent, so without a proxy that sets it a client can
 * choose its own address; the per-bot budget and concurrency cap do not depend on it.
 */
export function botClientAddress(req: Request): string {
  const forwarded = req.headers.get("x-forwarded-for");
  const last = forwarded?.split(",").at(-1)?.trim();
  return last || req.headers.get("x-real-ip") || "direct";
}

/** The caller's language: `?lang=` first (the embed passes it), then cookie and Accept-Language. */
export function botLocale(req: Request): Locale {
  const lang = new URL(req.url).searchParams.get("lang");
  return isLocale(lang) ? lang : requestLocale(req);
}

export function botErrorResponse(error: unknown, locale: Locale): Response {
  const response = errorResponse(error, locale);
  if (error instanceof LimitError) response.headers.set("Retry-After", String(error.retryAfterSeconds));
  return response;
}

/**
 * Wraps a public bot route (listed in lib/server/public-routes.ts).
 * @example export const GET = botRoute<{ slug: string }>(async (req, ctx, { slug }) => …);
 */
export function botRoute<P>(handler: Handler<P>) {
  return async (req: Request, segment: { params: Promise<P> }): Promise<Response> => {
    const locale = botLocale(req);
    try {
      return await handler(req, { locale, ip: botClientAddress(req) }, await segment.params);
    } catch (error) {
      return botErrorResponse(error, locale);
    }
  };
}

/**
 * C17: a browser call from a page whose origin is neither Trellis itself nor one of the bot's
 * allowed origins is refused. Calls without an Origin (servers, curl) are not browsers' and pass.
 */
export function checkOrigin(req: Request, bot: Bot): void {
  const origin = req.headers.get("origin");
  if (!origin || origin === requestOrigin(req)) return;
  if (readBotSettings(bot.settings).allowedOrigins.includes(origin)) return;
  throw new AppError("origin_not_allowed", { en: "This site may not use this bot.", zh: "该网站无权使用此机器人。" }, 403);
}

const noSession = () =>
  new AppError("session_required", { en: "Start a chat session first (the token is missing or expired).", zh: "请先开始会话（令牌缺失或已过期）。" }, 401);

/** The end user of a public call: `Authorization: Bearer <token>` or `X-Trellis-End-User`. */
export function endUserOf(req: Request, bot: Bot): EndUser {
  const header = req.headers.get("x-trellis-end-user") ?? /^Bearer\s+(\S+)$/i.exec(req.headers.get("authorization")?.trim() ?? "")?.[1];
  const user = header ? verifyEndUserToken(header, bot.id) : null;
  if (!user) throw noSession();
  return user;
}

/** The chat's server-sent events (event names of docs/publishing.md); each token flushed as it arrives. */
export function chatEventStream(events: AsyncGenerator<ChatEvent>, locale: Locale): Response {
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const next = await events.next();
        if (next.done) {
          controller.close();
          return;
        }
        const { type, ...data } = next.value;
        controller.enqueue(sseFrame(type, data));
      } catch (error) {
        const body = botErrorResponse(error, locale);
        const payload = (await body.json()) as { error: { code: string; message: string } };
        controller.enqueue(sseFrame("error", payload.error));
        controller.close();
      }
    },
    async cancel() {
      await events.return(undefined);
    },
  });
  return new Response(stream, { headers: SSE_HEADERS });
}

/** Drains the events into the JSON answer of `stream: false`. */
export async function chatJson(events: AsyncGenerator<ChatEvent>): Promise<Response> {
  let start: Extract<ChatEvent, { type: "start" }> | undefined;
  let citations: Extract<ChatEvent, { type: "citations" }>["citations"] = [];
  for await (const event of events) {
    if (event.type === "start") start = event;
    else if (event.type === "citations") citations = event.citations;
    else if (event.type === "error") {
      // A missing or mistyped input variable is the caller's mistake; anything else failed upstream.
      const status = event.code.startsWith("VARIABLE_") ? 400 : 502;
      return Response.json({ error: { code: event.code, message: event.message }, conversationId: start?.conversationId, messageId: start?.messageId }, { status });
    }
    else if (event.type === "done") {
      return Response.json({ conversationId: event.conversationId, messageId: event.messageId, runId: start?.runId, release: start?.release, answer: event.answer, citations, usage: event.usage });
    }
  }
  throw new AppError("internal", { en: "The answer ended unexpectedly.", zh: "回答意外中断。" }, 500);
}
