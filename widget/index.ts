import { SOURCE, type FromEmbed, type SignedUser, type ToEmbed } from "./protocol";
import { css, ICON_CHAT, ICON_CLOSE } from "./styles";

/**
 * The embeddable chat widget: one tag on any site,
 *   <script src="https://TRELLIS/widget.js" data-bot="SLUG" async></script>
 * adds a chat bubble that opens the bot's chat (/embed/SLUG) in an iframe. Options are data-
 * attributes (data-position, data-color, data-title, data-greeting, data-open, data-lang); the page
 * can drive it with window.Trellis.open() / close() / toggle() / identify({ id, expires, signature }).
 *
 * The end user's token lives in the HOST page's localStorage (first-party there) and is handed
 * to the iframe by postMessage: browsers that partition or block storage inside third-party
 * iframes (Safari ITP, Firefox ETP) would otherwise forget the conversation at every visit.
 * Everything is drawn in a shadow root, so the host page's styles and ours never meet.
 * Built by `npm run build:widget` (esbuild) into public/widget.js; it imports nothing of the app.
 */
interface TrellisApi {
  open(): void;
  close(): void;
  toggle(): void;
  identify(user: SignedUser): void;
}

const script = (document.currentScript ?? document.querySelector("script[data-bot][src*='widget.js']")) as HTMLScriptElement | null;

function start(el: HTMLScriptElement): TrellisApi | undefined {
  const slug = el.dataset.bot ?? "";
  if (!/^[A-Za-z0-9_-]{1,128}$/.test(slug)) return console.error("[trellis] data-bot is missing or invalid"), undefined;
  const base = new URL(el.src, location.href).origin;
  const d = el.dataset;
  const color = /^#[0-9a-f]{3}([0-9a-f]{3})?$/i.test(d.color ?? "") ? d.color! : "#2f6fed";
  const side = d.position === "bottom-left" ? "left" : "right";
  const zh = (d.lang ?? navigator.language).toLowerCase().startsWith("zh");
  const storeKey = `trellis:${base}:${slug}`;
  const storage = {
    get: () => {
      try {
        return localStorage.getItem(storeKey);
      } catch {
        return null;
      }
    },
    set: (token: string) => {
      try {
        localStorage.setItem(storeKey, token);
      } catch {
        // storage blocked: the conversation lasts as long as the page
      }
    },
  };

  const host = document.createElement("div");
  host.setAttribute("data-trellis-widget", slug);
  const root = host.attachShadow({ mode: "open" });
  const style = document.createElement("style");
  style.textContent = css(color, side);
  const panel = document.createElement("div");
  panel.className = "p";
  panel.setAttribute("role", "dialog");
  const button = document.createElement("button");
  button.className = "b";
  button.type = "button";
  root.append(style, panel, button);

  let frame: HTMLIFrameElement | null = null;
  let ready = false;
  // A signed user may also be rendered into the tag by the host's server (data-user-id, -expires, -signature).
  let user: SignedUser | null = d.userId && d.userSignature ? { id: d.userId, expires: Number(d.userExpires), signature: d.userSignature } : null;
  let isOpen = false;
  const label = (open: boolean) => (open ? (zh ? "关闭聊天" : "Close chat") : zh ? "打开聊天" : "Open chat");
  const send = (message: ToEmbed) => frame?.contentWindow?.postMessage(message, base);

  function render() {
    panel.classList.toggle("o", isOpen);
    button.innerHTML = isOpen ? ICON_CLOSE : ICON_CHAT;
    button.setAttribute("aria-label", label(isOpen));
    button.setAttribute("aria-expanded", String(isOpen));
  }

  function ensureFrame() {
    if (frame) return;
    const params = new URLSearchParams();
    for (const key of ["title", "greeting", "lang"] as const) if (d[key]) params.set(key, d[key]!);
    if (d.color) params.set("color", color);
    frame = document.createElement("iframe");
    frame.src = `${base}/embed/${encodeURIComponent(slug)}${params.toString() ? `?${params}` : ""}`;
    frame.title = d.title || (zh ? "聊天" : "Chat");
    frame.allow = "clipboard-write";
    panel.append(frame);
  }

  window.addEventListener("message", (event: MessageEvent<FromEmbed>) => {
    if (event.origin !== base || !frame || event.source !== frame.contentWindow) return;
    const data = event.data;
    if (!data || data.source !== SOURCE) return;
    if (data.type === "ready") {
      ready = true;
      send({ source: SOURCE, type: "init", token: storage.get(), user });
    } else if (data.type === "token" && typeof data.token === "string") storage.set(data.token);
    else if (data.type === "close") api.close();
  });

  const api: TrellisApi = {
    open() {
      ensureFrame();
      isOpen = true;
      render();
    },
    close() {
      isOpen = false;
      render();
    },
    toggle() {
      if (isOpen) api.close();
      else api.open();
    },
    identify(next) {
      user = next && typeof next.id === "string" ? { id: next.id, expires: Number(next.expires), signature: String(next.signature) } : null;
      if (user && ready) send({ source: SOURCE, type: "identify", user });
    },
  };
  button.addEventListener("click", api.toggle);
  render();
  const mount = () => document.body.append(host);
  if (document.body) mount();
  else document.addEventListener("DOMContentLoaded", mount);
  if (d.open === "true" || d.open === "") api.open();
  return api;
}

const api = script ? start(script) : undefined;
if (api) (window as unknown as { Trellis: TrellisApi }).Trellis = api;
