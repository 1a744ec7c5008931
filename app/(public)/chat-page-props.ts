import "server-only";
import { headers } from "next/headers";
import en from "@/messages/en.json";
import zh from "@/messages/zh.json";
import { localeFromAcceptLanguage } from "@/lib/i18n/locale";
import type { ChatAppProps } from "@/components/public-chat/chat-app";

/**
 * What both chat pages pass to the client: the browser's language (for bots set to "auto") and
 * only the chat's own strings in both languages — the bot's language is known once its settings
 * load in the browser. The embed page also gets the origins allowed to frame it, which the proxy
 * read from the bot's settings for the CSP and forwards in a header it always overwrites.
 */
export async function chatPageProps(slug: string): Promise<Pick<ChatAppProps, "slug" | "fallbackLocale" | "messages" | "allowedOrigins">> {
  const h = await headers();
  const allowed = h.get("x-trellis-embed-origins") ?? "";
  return {
    slug,
    fallbackLocale: localeFromAcceptLanguage(h.get("accept-language")),
    messages: { en: en.publicChat, zh: zh.publicChat },
    allowedOrigins: allowed.split(" ").filter(Boolean),
  };
}
