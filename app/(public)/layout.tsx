import "./public-chat.css";

/**
 * The published bot's pages (/c/SLUG, /embed/SLUG): no studio chrome, their own styles, and a
 * stricter CSP set per response by the proxy (lib/server/chat-page-csp.ts).
 */
export default function PublicLayout({ children }: { children: React.ReactNode }) {
  return children;
}
