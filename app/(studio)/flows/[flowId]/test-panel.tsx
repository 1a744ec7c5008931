"use client";

import { useRef, useState } from "react";
import { useTranslations } from "next-intl";
import { streamFlowRun, type StreamedRunEvent } from "@/lib/client/run-stream";
import type { FlowDocument } from "@/lib/flow/schema";
import type { Locale } from "@/lib/i18n/locale";
import type { ChatMessage, DocumentChunk } from "@/nodes/ports";
import { nodeLabel } from "./node-summary";
import { applyTraceEvent, TraceView, type TraceStep } from "./trace-view";

interface Turn {
  role: "user" | "assistant";
  content: string;
  citations?: DocumentChunk[];
  error?: string;
}

/** Chat with the saved flow: the answer streams in, and the trace shows every node as it runs. */
export function TestPanel({ flowId, graph, locale }: { flowId: string; graph: FlowDocument; locale: Locale }) {
  const t = useTranslations("test");
  const [turns, setTurns] = useState<Turn[]>([]);
  const [draft, setDraft] = useState("");
  const [trace, setTrace] = useState<TraceStep[]>([]);
  const [running, setRunning] = useState<string | null>(null);
  const abort = useRef<AbortController | null>(null);

  const typeOf = (nodeId: string) => graph.nodes.find((n) => n.id === nodeId)?.type ?? nodeId;

  async function send(event: React.FormEvent) {
    event.preventDefault();
    const message = draft.trim();
    if (!message || abort.current) return;
    const history: ChatMessage[] = turns.filter((turn) => !turn.error).map(({ role, content }) => ({ role, content }));
    setTurns((prev) => [...prev, { role: "user", content: message }, { role: "assistant", content: "" }]);
    setDraft("");
    setTrace([]);
    const controller = new AbortController();
    abort.current = controller;
    const patchAnswer = (patch: (turn: Turn) => Turn) => setTurns((prev) => [...prev.slice(0, -1), patch(prev[prev.length - 1])]);
    try {
      for await (const ev of streamFlowRun(flowId, { message, history }, controller.signal)) {
        setTrace((prev) => applyTraceEvent(prev, ev));
        handle(ev, patchAnswer);
      }
    } catch (error) {
      if (!controller.signal.aborted) patchAnswer((turn) => ({ ...turn, error: t("runFailed", { message: (error as Error).message }) }));
      else patchAnswer((turn) => ({ ...turn, error: turn.content ? undefined : t("cancelled") }));
    } finally {
      abort.current = null;
      setRunning(null);
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
    <aside className="test-panel" data-testid="test-panel">
      <div className="panel-head">
        <h2>{t("title")}</h2>
        <button type="button" className="ghost" onClick={() => (setTurns([]), setTrace([]))} disabled={!!abort.current}>
          {t("clear")}
        </button>
      </div>
      <div className="chat" data-testid="chat">
        {turns.map((turn, i) => (
          <div key={i} className={`bubble ${turn.role}`} data-testid={turn.role === "assistant" ? "answer" : "question"}>
            <span className="who">{turn.role === "user" ? t("you") : t("bot")}</span>
            <div className="text">{turn.content || (turn.role === "assistant" && running && !turn.error ? t("thinking", { node: nodeLabel(typeOf(running), locale) }) : "")}</div>
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
          <button type="submit" className="primary" data-testid="send">
            {t("send")}
          </button>
        )}
      </form>
      <h3>{t("trace")}</h3>
      <TraceView steps={trace} locale={locale} typeOf={typeOf} />
    </aside>
  );
}
