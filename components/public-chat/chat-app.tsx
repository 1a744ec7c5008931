"use client";

import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { NextIntlClientProvider } from "next-intl";
import { ChatApiError, PublicChatApi, type PublicBot } from "@/lib/client/public-chat";
import type { Locale } from "@/lib/i18n/locale";
import type { SignedUser } from "@/widget/protocol";
import { ChatScreen, type Phase } from "./chat-screen";
import { embedTokenStore, pageTokenStore, type TokenStore } from "./token-store";

type Dictionary = Record<string, string>;

export interface ChatAppProps {
  slug: string;
  mode: "page" | "embed";
  /** The browser's language (Accept-Language), used when the bot says "auto". */
  fallbackLocale: Locale;
  messages: Record<Locale, Dictionary>;
  /** The widget's data- attributes (embed only): shown instead of the bot's own settings. */
  overrides?: { title?: string; greeting?: string; color?: string; lang?: string };
  /** Origins allowed to frame the embed page (from the bot's settings, via the proxy). */
  allowedOrigins?: string[];
}

function pickLocale(bot: PublicBot | null, override: string | undefined, fallback: Locale): Locale {
  if (bot?.language === "zh" || bot?.language === "en") return bot.language;
  if (override) return override.toLowerCase().startsWith("zh") ? "zh" : "en";
  if (typeof window !== "undefined" && navigator.language) return navigator.language.toLowerCase().startsWith("zh") ? "zh" : "en";
  return fallback;
}

/**
 * The published chat (/c/SLUG) and its embedded twin (/embed/SLUG): loads the bot's public
 * settings, opens an end-user session (access code or the host site's signed user when the bot
 * asks for one) and hands over to the chat screen, in the bot's language.
 */
export function ChatApp(props: ChatAppProps) {
  const [bot, setBot] = useState<PublicBot | null>(null);
  const [phase, setPhase] = useState<Phase>({ name: "loading" });
  const locale = pickLocale(bot, props.overrides?.lang, props.fallbackLocale);
  const store: TokenStore = useMemo(() => (props.mode === "embed" ? embedTokenStore(props.slug, props.allowedOrigins ?? []) : pageTokenStore(props.slug)), [props.mode, props.slug, props.allowedOrigins]);
  const [stored, setStored] = useState<{ token: string | null; user: SignedUser | null } | null>(null);

  const connect = useCallback(
    async (from: { token: string | null; user: SignedUser | null }, accessCode?: string) => {
      const api = new PublicChatApi(props.slug, locale);
      try {
        const session = await api.session({ token: from.token, user: from.user, accessCode });
        api.setToken(session.token);
        store.save(session.token);
        setPhase({ name: "ready", api });
      } catch (error) {
        const code = error instanceof ChatApiError ? error.code : "";
        if (code.startsWith("access_code")) setPhase({ name: "access-code", invalid: Boolean(accessCode) });
        else if (code === "signature_required") setPhase({ name: "problem", key: "signedOnly" });
        else if (code.startsWith("signature")) setPhase({ name: "problem", key: "signatureRefused" });
        else if (error instanceof ChatApiError && error.status === 404) setPhase({ name: "problem", key: "notFound" });
        else setPhase({ name: "problem", key: "failed", message: error instanceof Error ? error.message : String(error) });
      }
    },
    [props.slug, locale, store],
  );

  useEffect(() => {
    let cancelled = false;
    (async () => {
      try {
        const config = await new PublicChatApi(props.slug, props.fallbackLocale).bot();
        if (cancelled) return;
        setBot(config);
        const from = await store.load();
        if (cancelled) return;
        setStored(from);
        if (config.access === "code" && !from.token) setPhase({ name: "access-code", invalid: false });
        else if (config.access === "signed" && !from.user && !from.token) setPhase({ name: "problem", key: "signedOnly" });
      } catch (error) {
        if (cancelled) return;
        if (error instanceof ChatApiError && error.status === 404) setPhase({ name: "problem", key: "notFound" });
        else if (error instanceof ChatApiError && error.code === "origin_not_allowed") setPhase({ name: "problem", key: "embedRefused" });
        else setPhase({ name: "problem", key: "failed", message: error instanceof Error ? error.message : String(error) });
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [props.slug, props.fallbackLocale, store]);

  // Once the bot and the stored token are known (and no gate stands in the way), open a session —
  // once: a second one would make a second anonymous end user.
  const opened = useRef(false);
  useEffect(() => {
    if (!bot || !stored || phase.name !== "loading" || opened.current) return;
    opened.current = true;
    void connect(stored);
  }, [bot, stored, phase.name, connect]);

  // The host page signed a user in after the chat opened: their own history from now on.
  useEffect(() => store.onIdentify((user) => void connect({ token: null, user })), [store, connect]);

  useEffect(() => {
    document.documentElement.lang = locale === "zh" ? "zh-CN" : "en";
    if (bot) document.title = props.overrides?.title || bot.title;
  }, [locale, bot, props.overrides?.title]);

  return (
    <NextIntlClientProvider locale={locale} messages={{ publicChat: props.messages[locale] }}>
      <ChatScreen
        bot={bot}
        mode={props.mode}
        overrides={props.overrides}
        phase={phase}
        onAccessCode={(code) => connect({ token: null, user: stored?.user ?? null }, code)}
        onClose={store.close}
      />
    </NextIntlClientProvider>
  );
}
