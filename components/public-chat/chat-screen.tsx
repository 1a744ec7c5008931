"use client";

import { useEffect, useRef, useState } from "react";
import { useTranslations } from "next-intl";
import type { Citation, PublicBot, PublicChatApi } from "@/lib/client/public-chat";
import { safeImageSrc } from "@/lib/markdown/urls";
import { Composer } from "./composer";
import { useDescribeError } from "./describe-error";
import { Markdown } from "./markdown";
import { CitationDialog, MessageView } from "./message-view";
import { useChat } from "./use-chat";
import { CLOSE, Icon, MENU, PLUS, TRASH } from "./icons";

export type Phase =
  | { name: "loading" }
  | { name: "ready"; api: PublicChatApi }
  | { name: "access-code"; invalid: boolean }
  | { name: "problem"; key: "notFound" | "signedOnly" | "signatureRefused" | "embedRefused" | "failed"; message?: string };

interface Props {
  bot: PublicBot | null;
  mode: "page" | "embed";
  overrides?: { title?: string; greeting?: string; color?: string };
  phase: Phase;
  onAccessCode: (code: string) => Promise<void>;
  onClose?: () => void;
}

/** The bot's avatar: an image on this origin, else its emoji or short text, else its first letter. */
function Avatar({ bot, title }: { bot: PublicBot | null; title: string }) {
  const url = bot?.avatarUrl ?? "";
  const src = url && typeof window !== "undefined" ? safeImageSrc(new URL(url, window.location.href).href, [window.location.origin]) : null;
  if (src) return <img src={src} alt="" />;
  if (url && !/[/.:]/.test(url) && [...url].length <= 4) return <span>{url}</span>;
  return <span>{[...(title || "?")][0].toUpperCase()}</span>;
}

/** The chat itself: conversation list, thread, composer; or the gate or problem in its place. */
export function ChatScreen({ bot, mode, overrides, phase, onAccessCode, onClose }: Props) {
  const t = useTranslations("publicChat");
  const describe = useDescribeError();
  const chat = useChat(phase.name === "ready" ? phase.api : null, describe);
  const [drawer, setDrawer] = useState(false);
  const [citation, setCitation] = useState<Citation | null>(null);
  const scroller = useRef<HTMLDivElement>(null);
  const title = overrides?.title || bot?.title || "";
  const greeting = overrides?.greeting || bot?.greeting || "";
  const color = /^#[0-9a-f]{6}$/i.test(overrides?.color ?? "") ? overrides!.color! : bot?.themeColor || "#2563eb";
  const avatar = <Avatar bot={bot} title={title} />;

  useEffect(() => {
    const el = scroller.current;
    if (el && el.scrollHeight - el.scrollTop - el.clientHeight < 160) el.scrollTop = el.scrollHeight;
  }, [chat.turns]);

  const list = (
    <nav className="pc-list" aria-label={t("history")}>
      <button
        type="button"
        className="pc-new"
        onClick={() => {
          void chat.open(null);
          setDrawer(false);
        }}
        data-testid="new-chat"
      >
        <Icon d={PLUS} /> {t("newChat")}
      </button>
      <p className="pc-list-label">{t("history")}</p>
      {chat.conversations.length === 0 ? <p className="pc-muted pc-small pc-pad">{t("noConversations")}</p> : null}
      <ul>
        {chat.conversations.map((c) => (
          <li key={c.id} className={c.id === chat.conversationId ? "on" : undefined}>
            <button
              type="button"
              className="pc-conv"
              onClick={() => {
                void chat.open(c.id);
                setDrawer(false);
              }}
              data-testid="conversation"
            >
              {c.title}
            </button>
            <button type="button" className="pc-act pc-del" aria-label={t("deleteConversation")} title={t("deleteConversation")} onClick={() => void chat.remove(c.id)}>
              <Icon d={TRASH} />
            </button>
          </li>
        ))}
      </ul>
    </nav>
  );

  let body: React.ReactNode;
  if (phase.name === "problem") {
    body = (
      <div className="pc-center" data-testid="chat-problem">
        <p>{phase.key === "failed" ? t("failed", { message: phase.message ?? "" }) : t(phase.key)}</p>
      </div>
    );
  } else if (phase.name === "access-code") {
    body = <AccessGate invalid={phase.invalid} onSubmit={onAccessCode} />;
  } else if (phase.name === "loading" || !bot) {
    body = (
      <div className="pc-center pc-muted" aria-busy="true">
        {t("loading")}
      </div>
    );
  } else {
    body = (
      <>
        <div className="pc-scroll" ref={scroller}>
          <div className="pc-thread" data-testid="thread">
            {chat.turns.length === 0 ? (
              <div className="pc-welcome">
                <div className="pc-avatar pc-avatar-lg">{avatar}</div>
                <h1>{title}</h1>
                {greeting ? (
                  <div className="pc-greeting pc-md" data-testid="greeting">
                    <Markdown text={greeting} options={{ imageOrigins: [window.location.origin] }} />
                  </div>
                ) : null}
                {bot.suggestedQuestions.length ? (
                  <div className="pc-suggest">
                    <p className="pc-muted pc-small">{t("suggested")}</p>
                    {bot.suggestedQuestions.map((q) => (
                      <button key={q} type="button" onClick={() => void chat.send(q)} data-testid="suggested-question">
                        {q}
                      </button>
                    ))}
                  </div>
                ) : null}
              </div>
            ) : (
              chat.turns.map((turn, i) => (
                <MessageView
                  key={turn.key}
                  turn={turn}
                  avatar={avatar}
                  onCite={setCitation}
                  onRate={(rating, comment) => chat.rate(turn, rating, comment)}
                  onRetry={i === chat.turns.length - 1 && !chat.streaming ? chat.retry : undefined}
                />
              ))
            )}
          </div>
        </div>
        <Composer streaming={chat.streaming} onSend={chat.send} onStop={chat.stop} />
      </>
    );
  }

  const ready = phase.name === "ready";
  return (
    <div className={`pc-app pc-${mode}`} style={{ "--pc-accent": color } as React.CSSProperties}>
      {mode === "page" && ready ? (
        <aside className={`pc-side${drawer ? " open" : ""}`}>
          {list}
          <p className="pc-powered">{t("poweredBy")}</p>
        </aside>
      ) : null}
      {mode === "embed" && ready && drawer ? (
        <div className="pc-overlay pc-drawer" onClick={() => setDrawer(false)}>
          <div className="pc-drawer-panel" onClick={(e) => e.stopPropagation()}>
            {list}
          </div>
        </div>
      ) : null}
      {mode === "page" && drawer ? <div className="pc-scrim" onClick={() => setDrawer(false)} /> : null}
      <main className="pc-main">
        <header className="pc-head">
          {ready ? (
            <button type="button" className="pc-act pc-menu" aria-label={t("openHistory")} title={t("openHistory")} onClick={() => setDrawer((v) => !v)} data-testid="open-history">
              <Icon d={MENU} />
            </button>
          ) : null}
          <div className="pc-avatar">{avatar}</div>
          <span className="pc-title">{title}</span>
          <span className="pc-spacer" />
          {ready ? (
            <button type="button" className="pc-act pc-head-new" aria-label={t("newChat")} title={t("newChat")} onClick={() => void chat.open(null)}>
              <Icon d={PLUS} />
            </button>
          ) : null}
          {mode === "embed" && onClose ? (
            <button type="button" className="pc-act" aria-label={t("closeChat")} title={t("closeChat")} onClick={onClose}>
              <Icon d={CLOSE} />
            </button>
          ) : null}
        </header>
        {body}
      </main>
      {citation ? <CitationDialog citation={citation} onClose={() => setCitation(null)} /> : null}
    </div>
  );
}

function AccessGate({ invalid, onSubmit }: { invalid: boolean; onSubmit: (code: string) => Promise<void> }) {
  const t = useTranslations("publicChat");
  const [code, setCode] = useState("");
  const [busy, setBusy] = useState(false);
  return (
    <form
      className="pc-center pc-gate"
      onSubmit={async (e) => {
        e.preventDefault();
        if (!code.trim()) return;
        setBusy(true);
        await onSubmit(code.trim());
        setBusy(false);
      }}
      data-testid="access-gate"
    >
      <h2>{t("accessTitle")}</h2>
      <input value={code} onChange={(e) => setCode(e.target.value)} aria-label={t("accessLabel")} placeholder={t("accessLabel")} autoFocus autoComplete="off" />
      {invalid ? (
        <p className="pc-error" role="alert">
          {t("accessInvalid")}
        </p>
      ) : null}
      <button type="submit" className="pc-primary" disabled={busy}>
        {t("accessSubmit")}
      </button>
    </form>
  );
}
