"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import { ChatApiError, type Citation, type ConversationSummary, type PublicChatApi, type StoredMessage } from "@/lib/client/public-chat";

export interface Turn {
  key: string;
  /** The server's message id, once known (feedback needs it). */
  id?: string;
  role: "user" | "assistant";
  content: string;
  citations: Citation[];
  status: "streaming" | "ok" | "error" | "stopped";
  /** A translated problem shown under the turn. */
  error?: string;
  progress?: string;
  feedback: StoredMessage["feedback"];
}

let counter = 0;
const key = () => `t${++counter}`;

export const fromStored = (m: StoredMessage): Turn => ({
  key: m.id,
  id: m.id,
  role: m.role,
  content: m.content,
  citations: m.citations ?? [],
  status: m.status,
  feedback: m.feedback,
});

/**
 * One end user's conversations with a bot: the list, the open conversation, sending with a
 * streamed answer, stopping it (aborting the request stops the run on the server) and feedback.
 * `describe` turns an API failure into a sentence in the page's language.
 */
export function useChat(api: PublicChatApi | null, describe: (error: unknown) => string) {
  const [conversations, setConversations] = useState<ConversationSummary[]>([]);
  const [conversationId, setConversationId] = useState<string | null>(null);
  const [turns, setTurns] = useState<Turn[]>([]);
  const [streaming, setStreaming] = useState(false);
  const abort = useRef<AbortController | null>(null);

  const refreshList = useCallback(async () => {
    if (!api) return [];
    const list = await api.conversations();
    setConversations(list);
    return list;
  }, [api]);

  const open = useCallback(
    async (id: string | null) => {
      abort.current?.abort();
      setConversationId(id);
      if (!api || !id) return setTurns([]);
      const { messages } = await api.conversation(id);
      setTurns(messages.map(fromStored));
    },
    [api],
  );

  // The newest conversation reopens after a reload: history survives without any storage of
  // its own beyond the end user's token.
  useEffect(() => {
    if (!api) return;
    let cancelled = false;
    refreshList()
      .then((list) => {
        if (!cancelled && list[0]) return open(list[0].id);
      })
      .catch(() => undefined);
    return () => {
      cancelled = true;
    };
  }, [api, refreshList, open]);

  const patchLast = (patch: (turn: Turn) => Turn) => setTurns((prev) => [...prev.slice(0, -1), patch(prev[prev.length - 1])]);

  const send = useCallback(
    async (text: string) => {
      const message = text.trim();
      if (!api || !message || abort.current) return;
      const controller = new AbortController();
      abort.current = controller;
      setStreaming(true);
      setTurns((prev) => [
        ...prev,
        { key: key(), role: "user", content: message, citations: [], status: "ok", feedback: null },
        { key: key(), role: "assistant", content: "", citations: [], status: "streaming", feedback: null },
      ]);
      let started = conversationId;
      try {
        for await (const ev of api.chat({ message, conversationId }, controller.signal)) {
          if (ev.event === "start") {
            started = ev.data.conversationId;
            setConversationId(ev.data.conversationId);
            patchLast((t) => ({ ...t, id: ev.data.messageId }));
          } else if (ev.event === "token") patchLast((t) => ({ ...t, content: t.content + ev.data.text, progress: undefined }));
          else if (ev.event === "progress") patchLast((t) => ({ ...t, progress: ev.data.node }));
          else if (ev.event === "citations") patchLast((t) => ({ ...t, citations: ev.data.citations }));
          else if (ev.event === "done") patchLast((t) => ({ ...t, id: ev.data.messageId, content: ev.data.answer || t.content, status: "ok", progress: undefined }));
          else if (ev.event === "error") patchLast((t) => ({ ...t, status: "error", progress: undefined, error: describe(new ChatApiError(200, ev.data.code, ev.data.message, null)) }));
        }
        patchLast((t) => (t.status === "streaming" ? { ...t, status: "ok" } : t));
      } catch (error) {
        if (controller.signal.aborted) patchLast((t) => ({ ...t, status: "stopped", progress: undefined }));
        else patchLast((t) => ({ ...t, status: "error", progress: undefined, error: describe(error) }));
      } finally {
        abort.current = null;
        setStreaming(false);
        if (started) void refreshList().catch(() => undefined);
      }
    },
    [api, conversationId, describe, refreshList],
  );

  const stop = useCallback(() => abort.current?.abort(), []);

  /** Sends the last question again after a failed answer (a limit passed, the network back). */
  const retry = useCallback(() => {
    const question = turns[turns.length - 2];
    if (!question || question.role !== "user" || abort.current) return;
    setTurns((prev) => prev.slice(0, -2));
    void send(question.content);
  }, [turns, send]);

  const rate = useCallback(
    async (turn: Turn, rating: "up" | "down" | null, comment?: string) => {
      if (!api || !turn.id) return;
      await api.feedback(turn.id, rating, comment);
      setTurns((prev) => prev.map((t) => (t.key === turn.key ? { ...t, feedback: rating ? { rating, ...(comment ? { comment } : {}) } : null } : t)));
    },
    [api],
  );

  const remove = useCallback(
    async (id: string) => {
      if (!api) return;
      await api.deleteConversation(id);
      if (id === conversationId) await open(null);
      await refreshList();
    },
    [api, conversationId, open, refreshList],
  );

  return { conversations, conversationId, turns, streaming, send, stop, retry, open, rate, remove };
}
