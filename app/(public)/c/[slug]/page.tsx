import type { Metadata } from "next";
import { ChatApp } from "@/components/public-chat/chat-app";
import { chatPageProps } from "../../chat-page-props";

export const metadata: Metadata = { robots: { index: false }, referrer: "strict-origin-when-cross-origin" };

/** The published chat page: a bot's share link, full screen, never framed. */
export default async function ChatPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const props = await chatPageProps(slug);
  return <ChatApp {...props} mode="page" allowedOrigins={[]} />;
}
