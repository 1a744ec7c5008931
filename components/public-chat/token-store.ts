import { SOURCE, type FromEmbed, type SignedUser, type ToEmbed } from "@/widget/protocol";

/**
 * Where the end user's token lives. On /c/SLUG: this origin's localStorage (first-party). In the
 * embed iframe: the HOST page's localStorage, through the widget script — the iframe's own
 * storage is partitioned or blocked by Safari (ITP) and Firefox (ETP), so a token kept there
 * would be forgotten and the history with it. The embed page accepts the widget's messages only
 * from its parent window at one of the bot's allowed origins (C17).
 */
export interface TokenStore {
  /** The stored token and the host's signed user, once known. */
  load(): Promise<{ token: string | null; user: SignedUser | null }>;
  save(token: string): void;
  /** Called when the host page signs a (different) user in after load. */
  onIdentify(listener: (user: SignedUser) => void): () => void;
  /** Asks the host page to close the chat window (embed only). */
  close?(): void;
}

const read = (key: string) => {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
};
const write = (key: string, value: string) => {
  try {
    localStorage.setItem(key, value);
  } catch {
    // blocked storage: the token lasts as long as the page
  }
};

export function pageTokenStore(slug: string): TokenStore {
  const key = `trellis:${slug}:token`;
  return {
    load: async () => ({ token: read(key), user: null }),
    save: (token) => write(key, token),
    onIdentify: () => () => undefined,
  };
}

/**
 * How long the embed page waits for the widget's answer before it concludes there is none (a
 * site that frames /embed/SLUG itself, without widget.js): it then keeps the token in its own
 * storage where the browser allows it. Only allowed sites can frame the page at all (CSP).
 */
const HANDSHAKE_MS = 3_000;

export function embedTokenStore(slug: string, allowedOrigins: readonly string[]): TokenStore {
  const framed = typeof window !== "undefined" && window.parent !== window;
  const key = `trellis:${slug}:token`;
  let parentOrigin: string | null = null;
  const identifyListeners = new Set<(user: SignedUser) => void>();
  const post = (message: FromEmbed, origin: string) => window.parent.postMessage(message, origin);
  const accepted = (event: MessageEvent) => event.source === window.parent && allowedOrigins.includes(event.origin) && (event.data as ToEmbed | null)?.source === SOURCE;

  return {
    load() {
      // Opened on its own (not framed), the embed page keeps the token like the chat page does.
      if (!framed) return Promise.resolve({ token: read(key), user: null });
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          window.removeEventListener("message", onInit);
          resolve({ token: read(key), user: null });
        }, HANDSHAKE_MS);
        function onInit(event: MessageEvent) {
          if (!accepted(event)) return;
          const data = event.data as ToEmbed;
          if (data.type !== "init") return;
          clearTimeout(timer);
          window.removeEventListener("message", onInit);
          parentOrigin = event.origin;
          window.addEventListener("message", (later) => {
            if (accepted(later) && (later.data as ToEmbed).type === "identify") for (const listener of identifyListeners) listener((later.data as Extract<ToEmbed, { type: "identify" }>).user);
          });
          resolve({ token: typeof data.token === "string" ? data.token : null, user: data.user ?? null });
        }
        window.addEventListener("message", onInit);
        // Carries no secret: any parent may learn that the page is ready; only an allowed one is answered.
        window.parent.postMessage({ source: SOURCE, type: "ready" } satisfies FromEmbed, "*");
      });
    },
    save(token) {
      if (parentOrigin) post({ source: SOURCE, type: "token", token }, parentOrigin);
      else write(key, token);
    },
    onIdentify(listener) {
      identifyListeners.add(listener);
      return () => identifyListeners.delete(listener);
    },
    close() {
      if (parentOrigin) post({ source: SOURCE, type: "close" }, parentOrigin);
    },
  };
}
