import type { Metadata } from "next";
import { ChatApp } from "@/components/public-chat/chat-app";
import { chatPageProps } from "../../chat-page-props";

export const metadata: Metadata = { robots: { index: false } };

/**
 * The chat inside the widget's iframe: compact, framed only by the bot's allowed sites (CSP
 * frame-ancestors), with the end user's token handed over by the widget script (C17).
 * The widget's data- attributes arrive as query parameters and only change what is shown.
 */
export default async function EmbedPage({ params, searchParams }: { params: Promise<{ slug: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { slug } = await params;
  const query = await searchParams;
  const one = (v: string | string[] | undefined) => (typeof v === "string" ? v.slice(0, 500) : undefined);
  const props = await chatPageProps(slug);
  return <ChatApp {...props} mode="embed" overrides={{ title: one(query.title), greeting: one(query.greeting), color: one(query.color), lang: one(query.lang) }} />;
}
