"use client";

import { useRef, useState } from "react";
import { useTranslations } from "next-intl";
import { useCanvas, useCanvasStore } from "@/components/canvas/store-context";
import { streamFlowRun, type StreamedRunEvent } from "@/lib/client/run-stream";
import type { ChatMessage, DocumentChunk } from "@/nodes/ports";
import { TraceView } from "./trace-view";

interface Turn {
  role: "user" | "assistant";
  content: string;
  citations?: DocumentChunk[];
  error?: string;
}

/**
 * Chat with the flow on the canvas: it is saved first (a run uses the saved flow), the answer
 * streams in, node statuses light up on the canvas, and the trace shows every node; opening a
 * step selects its node.
 */
export function TestPanel({ flowId, prepare, nameOf, onSelectNode }: { flowId: string; prepare: () => Promise<string | null>; nameOf: (id: string) => string; onSelectNode: (id: string) => void }) {
  const t = useTranslations("test");
  const store = useCanvasStore();
  const trace = useCanvas((s) => s.trace);
  const [turns, setTurns] = useState<Turn[]>([]);
  const [draft, setDraft] = useState("");
  const [running, setRunning] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const abort = useRef<AbortController | null>(null);

  async function send(event: React.FormEvent) {
    event.preventDefault();
    const message = draft.trim();
    if (!message || abort.current || busy) return;
    setBusy(true);
    const history: ChatMessage[] = turns.filter((turn) => !turn.error).map(({ role, content }) => ({ role, content }));
    const blocked = await prepare();
    if (blocked) {
      setTurns((prev) => [...prev, { role: "user", content: message }, { role: "assistant", content: "", error: blocked }]);
      setBusy(false);
      return;
    }
    setTurns((prev) => [...prev, { role: "user", content: message }, { role: "assistant", content: "" }]);
    setDraft("");
    store.getState().clearTrace();
    const controller = new AbortController();
    abort.current = controller;
    const patchAnswer = (patch: (turn: Turn) => Turn) => setTurns((prev) => [...prev.slice(0, -1), patch(prev[prev.length - 1])]);
    try {
      for await (const ev of streamFlowRun(flowId, { message, history }, controller.signal)) {
        store.getState().applyRunEvent(ev);
        handle(ev, patchAnswer);
      }
    } catch (error) {
      if (!controller.signal.aborted) patchAnswer((turn) => ({ ...turn, error: t("runFailed", { message: (error as Error).message }) }));
      else patchAnswer((turn) => ({ ...turn, error: turn.content ? undefined : t("cancelled") }));
    } finally {
      abort.current = null;
      setRunning(null);
      setBusy(false);
    }
  }

  function handle(ev: StreamedRunEvent, patchAnswer: (patch: (turn: Turn) => Turn) => void) {
    if (ev.type === "node-started") setRunning(ev.nodeId);
    if (ev.type === "token" && ev.answer) patchAnswer((turn) => ({ ...turn, content: turn.content + ev.text }));
    if (ev.type === "run-finished") {
      if (ev.status === "succeeded" && ev.answer) patchAnswer((turn) => ({ ...turn, content: ev.answer!.text, citations: ev.answer!.citations }));
      else if (ev.status === "failed") patchAnswer((turn) => ({ ...turn, error: t("runFailed", { message: ev.error?.message ?? "" }) }));
      else if (ev.status === "cancelled") patchAnswer((turn) => ({ ...turn, error: t("cancelled") }));
    }
  }

  return (
    <section className="test-panel" data-testid="test-panel">
      <div className="panel-head">
        <h2>{t("title")}</h2>
        <button type="button" className="ghost" onClick={() => (setTurns([]), store.getState().clearTrace())} disabled={busy}>
          {t("clear")}
        </button>
      </div>
      <div className="chat" data-testid="chat">
        {turns.map((turn, i) => (
          <div key={i} className={`bubble ${turn.role}`} data-testid={turn.role === "assistant" ? "answer" : "question"}>
            <span className="who">{turn.role === "user" ? t("you") : t("bot")}</span>
            <div className="text">{turn.content || (turn.role === "assistant" && running && !turn.error ? t("thinking", { node: nameOf(running) }) : "")}</div>
            {turn.error ? <p className="error">{turn.error}</p> : null}
            {turn.citations?.length ? (
              <details className="sources" data-testid="sources">
                <summary>
                  {t("sources")} ({turn.citations.length})
                </summary>
                <ol>
                  {turn.citations.map((c) => (
                    <li key={c.id}>
                      {c.documentName ? <strong>{c.documentName}</strong> : null} {c.text.slice(0, 240)}
                    </li>
                  ))}
                </ol>
              </details>
            ) : null}
          </div>
        ))}
      </div>
      <form className="composer" onSubmit={send}>
        <textarea
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === "Enter" && !e.shiftKey && !e.nativeEvent.isComposing) send(e);
          }}
          placeholder={t("placeholder")}
          aria-label={t("placeholder")}
          rows={2}
          data-testid="composer"
        />
        {abort.current ? (
          <button type="button" onClick={() => abort.current?.abort()}>
            {t("stop")}
          </button>
        ) : (
          <button type="submit" className="primary" data-testid="send" disabled={busy}>
            {t("send")}
          </button>
        )}
      </form>
      <h3>{t("trace")}</h3>
      <TraceView steps={trace} nameOf={nameOf} onSelect={onSelectNode} />
    </section>
  );
}
