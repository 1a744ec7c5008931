"use client";

import { useState } from "react";
import { useTranslations } from "next-intl";
import type { Citation } from "@/lib/client/public-chat";
import { CHECK, CLOSE, COPY, DOWN, Icon, UP } from "./icons";
import { Markdown } from "./markdown";
import type { Turn } from "./use-chat";

/** One turn of the conversation: the question, or the answer with its sources and actions. */
export function MessageView({ turn, avatar, onCite, onRate, onRetry }: { turn: Turn; avatar: React.ReactNode; onCite: (c: Citation) => void; onRate: (rating: "up" | "down" | null, comment?: string) => Promise<void>; onRetry?: () => void }) {
  const t = useTranslations("publicChat");
  const [copied, setCopied] = useState(false);
  const [asking, setAsking] = useState<"up" | "down" | null>(null);
  const [comment, setComment] = useState("");
  const [thanks, setThanks] = useState(false);

  if (turn.role === "user") {
    return (
      <div className="pc-row pc-user" data-testid="question">
        <div className="pc-bubble">{turn.content}</div>
      </div>
    );
  }

  const byIndex = new Map(turn.citations.map((c) => [c.index, c]));
  const cite = (index: number) => {
    const c = byIndex.get(index);
    return c ? (
      <button type="button" className="pc-cite-inline" onClick={() => onCite(c)} aria-label={t("sourceTitle", { index })}>
        {index}
      </button>
    ) : null;
  };
  const waiting = turn.status === "streaming" && !turn.content;
  const done = turn.status !== "streaming";

  async function choose(rating: "up" | "down") {
    const next = turn.feedback?.rating === rating ? null : rating;
    await onRate(next).catch(() => undefined);
    setThanks(false);
    setAsking(next);
    setComment("");
  }

  return (
    <div className="pc-row pc-assistant" data-testid="answer" data-status={turn.status}>
      <div className="pc-avatar">{avatar}</div>
      <div className="pc-answer">
        <div className="pc-bubble">
          {waiting ? (
            <span className="pc-typing" aria-label={turn.progress ? t("working", { node: turn.progress }) : t("thinking")}>
              <i />
              <i />
              <i />
              {turn.progress ? <span className="pc-progress">{t("working", { node: turn.progress })}</span> : null}
            </span>
          ) : (
            <div className="pc-md" data-testid="answer-text">
              <Markdown text={turn.content} options={{ imageOrigins: typeof window === "undefined" ? [] : [window.location.origin], cite }} />
              {turn.status === "streaming" ? <span className="pc-caret" /> : null}
            </div>
          )}
          {turn.citations.length ? (
            <div className="pc-sources" data-testid="sources">
              <span className="pc-sources-label">{t("sources")}</span>
              {turn.citations.map((c) => (
                <button key={c.index} type="button" className="pc-chip" data-testid="citation" onClick={() => onCite(c)} title={c.documentName}>
                  <b>{c.index}</b>
                  <span>{c.documentName}</span>
                </button>
              ))}
            </div>
          ) : null}
          {turn.status === "stopped" ? <p className="pc-note">{t("stopped")}</p> : null}
          {turn.error ? (
            <p className="pc-error" role="alert" data-testid="chat-error">
              {turn.error}
            </p>
          ) : null}
          {turn.error && onRetry ? (
            <button type="button" className="pc-retry" onClick={onRetry} data-testid="retry">
              {t("retry")}
            </button>
          ) : null}
        </div>
        {done && turn.content && turn.id ? (
          <div className="pc-actions">
            <button
              type="button"
              className="pc-act"
              aria-label={copied ? t("copied") : t("copy")}
              title={copied ? t("copied") : t("copy")}
              onClick={() => {
                void navigator.clipboard?.writeText(turn.content).then(() => {
                  setCopied(true);
                  setTimeout(() => setCopied(false), 1500);
                });
              }}
            >
              <Icon d={copied ? CHECK : COPY} />
            </button>
            <button type="button" className={`pc-act${turn.feedback?.rating === "up" ? " on" : ""}`} aria-pressed={turn.feedback?.rating === "up"} aria-label={t("helpful")} title={t("helpful")} onClick={() => choose("up")} data-testid="thumbs-up">
              <Icon d={UP} />
            </button>
            <button type="button" className={`pc-act${turn.feedback?.rating === "down" ? " on" : ""}`} aria-pressed={turn.feedback?.rating === "down"} aria-label={t("notHelpful")} title={t("notHelpful")} onClick={() => choose("down")} data-testid="thumbs-down">
              <Icon d={DOWN} />
            </button>
            {thanks ? <span className="pc-thanks">{t("feedbackThanks")}</span> : null}
          </div>
        ) : null}
        {asking ? (
          <form
            className="pc-feedback"
            onSubmit={async (e) => {
              e.preventDefault();
              if (comment.trim()) await onRate(asking, comment.trim()).catch(() => undefined);
              setAsking(null);
              setThanks(true);
            }}
          >
            <input value={comment} onChange={(e) => setComment(e.target.value)} placeholder={t("feedbackPrompt")} aria-label={t("feedbackPrompt")} maxLength={1000} data-testid="feedback-comment" />
            <button type="submit">{t("feedbackSend")}</button>
          </form>
        ) : null}
      </div>
    </div>
  );
}

/** The quoted passage behind a citation, in a dialog. */
export function CitationDialog({ citation, onClose }: { citation: Citation; onClose: () => void }) {
  const t = useTranslations("publicChat");
  return (
    <div className="pc-overlay" onClick={onClose}>
      <div className="pc-dialog" role="dialog" aria-modal="true" aria-labelledby="pc-cite-title" data-testid="citation-dialog" onClick={(e) => e.stopPropagation()}>
        <div className="pc-dialog-head">
          <span className="pc-cite-num">{citation.index}</span>
          <div>
            <h2 id="pc-cite-title">{citation.documentName}</h2>
            {citation.knowledgeBaseName ? <p className="pc-muted">{citation.knowledgeBaseName}</p> : null}
          </div>
          <button type="button" className="pc-act" onClick={onClose} aria-label={t("close")} autoFocus>
            <Icon d={CLOSE} />
          </button>
        </div>
        <p className="pc-muted pc-small">{t("quoted")}</p>
        <blockquote className="pc-quote" data-testid="citation-text">
          {citation.text}
        </blockquote>
      </div>
    </div>
  );
}
