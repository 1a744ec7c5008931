import type { Citation, PublicBotConfig } from "@/lib/bots/types";
import type { SignedUser } from "@/widget/protocol";
import { parseSse } from "./sse";

/**
 * The browser side of the public bot API (/api/v1/public/bots/:slug/…) as the chat page and the
 * embed page use it: every call carries the end user's token and asks for answers in the page's
 * language. Failures come back as ChatApiError with the server's code, message and Retry-After.
 */
export type { Citation };
export type PublicBot = PublicBotConfig;

export interface StoredMessage {
  id: string;
  role: "user" | "assistant";
  content: string;
  citations: Citation[] | null;
  feedback: { rating: "up" | "down"; comment?: string } | null;
  status: "ok" | "error" | "stopped";
  createdAt: string;
}

export interface ConversationSummary {
  id: string;
  title: string;
  updatedAt: string;
}

export interface Session {
  token: string;
  endUser: { id: string; kind: "anonymous" | "signed" };
  expiresAt: string | number;
}

export class ChatApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly retryAfter: number | null,
  ) {
    super(message);
  }
}

export type ChatEvent =
  | { event: "start"; data: { conversationId: string; messageId: string; runId: string; release: number } }
  | { event: "token"; data: { text: string } }
  | { event: "progress"; data: { node: string } }
  | { event: "citations"; data: { citations: Citation[] } }
  | { event: "done"; data: { conversationId: string; messageId: string; answer: string } }
  | { event: "error"; data: { code: string; message: string } };

export class PublicChatApi {
  constructor(
    readonly slug: string,
    private readonly locale: string,
    private token: string | null = null,
  ) {}

  setToken(token: string | null): void {
    this.token = token;
  }

  private url(path = ""): string {
    return `/api/v1/public/bots/${encodeURIComponent(this.slug)}${path}`;
  }

  private async call(path: string, init: { method?: string; json?: unknown; signal?: AbortSignal; accept?: string } = {}): Promise<Response> {
    const headers: Record<string, string> = { "Accept-Language": this.locale };
    if (this.token) headers.Authorization = `Bearer ${this.token}`;
    if (init.json !== undefined) headers["Content-Type"] = "application/json";
    if (init.accept) headers.Accept = init.accept;
    let res: Response;
    try {
      res = await fetch(this.url(path), { method: init.method ?? (init.json !== undefined ? "POST" : "GET"), headers, body: init.json === undefined ? undefined : JSON.stringify(init.json), signal: init.signal, cache: "no-store" });
    } catch (error) {
      if (init.signal?.aborted) throw error;
      throw new ChatApiError(0, "network", error instanceof Error ? error.message : String(error), null);
    }
    if (!res.ok) {
      const body = (await res.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null;
      const retry = Number(res.headers.get("retry-after"));
      throw new ChatApiError(res.status, body?.error?.code ?? `http_${res.status}`, body?.error?.message ?? `HTTP ${res.status}`, Number.isFinite(retry) && retry > 0 ? retry : null);
    }
    return res;
  }

  async bot(): Promise<PublicBot> {
    return (await this.call("")).json();
  }

  async session(body: { token?: string | null; accessCode?: string; user?: SignedUser | null }): Promise<Session> {
    const payload: Record<string, unknown> = {};
    if (body.token) payload.token = body.token;
    if (body.accessCode) payload.accessCode = body.accessCode;
    if (body.user) payload.user = body.user;
    return (await this.call("/sessions", { json: payload })).json();
  }

  async conversations(): Promise<ConversationSummary[]> {
    return ((await (await this.call("/conversations")).json()) as { conversations: ConversationSummary[] }).conversations;
  }

  async conversation(id: string): Promise<{ conversation: { id: string; title: string }; messages: StoredMessage[] }> {
    return (await this.call(`/conversations/${encodeURIComponent(id)}`)).json();
  }

  async deleteConversation(id: string): Promise<void> {
    await this.call(`/conversations/${encodeURIComponent(id)}`, { method: "DELETE" });
  }

  async feedback(messageId: string, rating: "up" | "down" | null, comment?: string): Promise<void> {
    await this.call(`/messages/${encodeURIComponent(messageId)}/feedback`, { json: { rating, ...(comment ? { comment } : {}) } });
  }

  /** Streams one answer; aborting `signal` closes the connection, which stops the run on the server. */
  async *chat(body: { message: string; conversationId?: string | null }, signal: AbortSignal): AsyncGenerator<ChatEvent> {
    const res = await this.call("/chat", { json: { message: body.message, ...(body.conversationId ? { conversationId: body.conversationId } : {}), stream: true }, signal, accept: "text/event-stream" });
    if (!res.body) throw new ChatApiError(res.status, "empty", "empty response", null);
    for await (const message of parseSse(res.body)) yield { event: message.event, data: JSON.parse(message.data) } as ChatEvent;
  }
}
