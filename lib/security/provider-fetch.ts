import "server-only";
import http from "node:http";
import net from "node:net";
import { Readable, pipeline } from "node:stream";
import tls from "node:tls";
import zlib from "node:zlib";
import ipaddr from "ipaddr.js";
import { isAppError } from "@/lib/errors";
import { resolveProviderUrl, type Resolver } from "./provider-url";
import type { ConnectTarget } from "./ssrf";
import { untilAborted } from "./abort";

export type { ConnectTarget } from "./ssrf";

/**
 * The fetch under every model-provider request (Ollama, OpenAI-compatible, Hugging Face SDKs,
 * model listing, the start-up Ollama probe). It applies the provider policy of provider-url.ts
 * at request time, not only when the provider was saved: resolve the host, check EVERY address
 * (loopback and private networks pass, metadata and link-local never), then dial only a checked
 * address — no second DNS lookup, so a name that re-resolves to 169.254.169.254 after it was
 * saved (DNS rebinding) is refused before any packet goes there. Redirects are followed by hand
 * and each hop is checked the same way. Response bodies stream (Ollama NDJSON, OpenAI SSE).
 */
export interface ProviderFetchOptions {
  /** Every address a host name resolves to. Default: the system resolver. Tests inject one. */
  resolve?: Resolver;
  /** Opens the socket to a checked address. Default: net.connect / tls.connect. Tests inject one. */
  connect?: (target: ConnectTarget) => net.Socket | tls.TLSSocket;
  /** Redirects followed before giving up (default 5). */
  maxRedirects?: number;
}

const redirectStatuses = new Set([301, 302, 303, 307, 308]);
const nullBodyStatuses = new Set([101, 103, 204, 205, 304]);
/** Transport headers this fetch sets itself. */
const managedHeaders = new Set(["host", "content-length", "transfer-encoding", "connection", "keep-alive", "upgrade", "te", "trailer", "proxy-connection"]);
/** Dropped when a redirect leaves the origin, as browsers and undici do. */
const credentialHeaders = new Set(["authorization", "cookie", "proxy-authorization"]);

function systemConnect(target: ConnectTarget): net.Socket | tls.TLSSocket {
  if (!target.tls) return net.connect({ host: target.address, port: target.port, family: target.family });
  // SNI may not be an IP; without it, Node checks the certificate against `host` (the IP literal).
  const servername = net.isIP(target.servername) ? undefined : target.servername;
  return tls.connect({ host: target.address, port: target.port, servername, ALPNProtocols: ["http/1.1"] });
}

/** A network failure shaped like the platform fetch's: TypeError "fetch failed" with the cause (code ECONNREFUSED …). */
function fetchFailed(cause: unknown): TypeError {
  return new TypeError("fetch failed", { cause });
}

/** Waits until the socket is connected (TLS: handshake done), or fails; destroys it on failure or abort. */
function connected(socket: net.Socket, tlsOn: boolean, signal: AbortSignal): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const event = tlsOn ? "secureConnect" : "connect";
    if (!tlsOn && !socket.connecting && socket.readyState === "open") return resolve(socket);
    const cleanup = () => {
      socket.off(event, onReady);
      socket.off("error", onError);
      signal.removeEventListener("abort", onAbort);
    };
    const onReady = () => (cleanup(), resolve(socket));
    const onError = (error: unknown) => (cleanup(), socket.destroy(), reject(error));
    const onAbort = () => (cleanup(), socket.destroy(), reject(signal.reason));
    socket.once(event, onReady);
    socket.once("error", onError);
    if (signal.aborted) onAbort();
    else signal.addEventListener("abort", onAbort, { once: true });
  });
}

function sameOrigin(a: URL, b: URL): boolean {
  return a.origin === b.origin;
}

const neverAborted = new AbortController().signal;
const fetchMethods = new Set(["DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"]);

/**
 * What a fetch call asks for. A URL with a string body (every model request) is read as it is;
 * anything else goes through `new Request`, which normalises it the way the platform fetch does
 * but costs a Request, a body stream and a copy per model call.
 */
async function requestParts(input: RequestInfo | URL, init?: RequestInit): Promise<{ url: URL; method: string; headers: Headers; body: Buffer | undefined; signal: AbortSignal; redirect: RequestRedirect }> {
  const bodyless = /^(get|head)$/i.test(init?.method ?? "GET");
  if ((typeof input === "string" || input instanceof URL) && (init?.body == null || (typeof init.body === "string" && !bodyless))) {
    const headers = new Headers(init?.headers);
    if (typeof init?.body === "string" && !headers.has("content-type")) headers.set("content-type", "text/plain;charset=UTF-8");
    const method = init?.method ?? "GET";
    return {
      url: new URL(input),
      method: fetchMethods.has(method.toUpperCase()) ? method.toUpperCase() : method,
      headers,
      body: typeof init?.body === "string" ? Buffer.from(init.body) : undefined,
      signal: init?.signal ?? neverAborted,
      redirect: init?.redirect ?? "follow",
    };
  }
  const request = new Request(input, init);
  return {
    url: new URL(request.url),
    method: request.method,
    headers: request.headers,
    body: request.body ? Buffer.from(await request.arrayBuffer()) : undefined,
    signal: request.signal,
    redirect: request.redirect,
  };
}

/**
 * Creates the pinned provider fetch (same call shape as the global `fetch`).
 * @example
 * const fetchModel = createProviderFetch();
 * new ChatOllama({ baseUrl, model, fetch: fetchModel }) // every request resolved, checked and pinned
 */
export function createProviderFetch(options: ProviderFetchOptions = {}): typeof fetch {
  const connect = options.connect ?? systemConnect;
  const maxRedirects = options.maxRedirects ?? 5;

  /** Resolves and checks the URL's host; throws PROVIDER_URL_BLOCKED, or a network error when the name has no address. */
  async function targets(url: URL, signal: AbortSignal): Promise<ConnectTarget[]> {
    let checked;
    try {
      checked = await untilAborted(resolveProviderUrl(url.href, { resolve: options.resolve }), signal);
    } catch (error) {
      if (isAppError(error) && error.code === "PROVIDER_URL_UNRESOLVED") {
        throw fetchFailed(Object.assign(new Error(`getaddrinfo ENOTFOUND ${url.hostname}`), { code: "ENOTFOUND", hostname: url.hostname }));
      }
      throw error;
    }
    const tlsOn = url.protocol === "https:";
    const port = Number(url.port) || (tlsOn ? 443 : 80);
    return checked.addresses.map((raw) => {
      const address = ipaddr.parse(raw).toString();
      return { address, port, family: net.isIPv6(address) ? 6 : 4, tls: tlsOn, servername: checked.host } satisfies ConnectTarget;
    });
  }

  /** Dials the checked addresses in order until one connects (e.g. "localhost" → ::1, then 127.0.0.1). */
  async function open(candidates: ConnectTarget[], signal: AbortSignal): Promise<net.Socket> {
    let lastError: unknown;
    for (const target of candidates) {
      if (signal.aborted) throw signal.reason;
      try {
        return await connected(connect(target), target.tls, signal);
      } catch (error) {
        if (signal.aborted) throw signal.reason;
        lastError = error;
      }
    }
    throw fetchFailed(lastError);
  }

  function send(url: URL, socket: net.Socket, method: string, headers: Record<string, string>, body: Buffer | undefined, signal: AbortSignal) {
    return new Promise<http.IncomingMessage>((resolve, reject) => {
      const request = http.request({
        method,
        path: `${url.pathname}${url.search}`,
        headers: { ...headers, host: url.host, ...(body === undefined ? {} : { "content-length": String(body.length) }) },
        setHost: false,
        // No agent: this request uses exactly the socket dialled to the checked address.
        createConnection: () => socket,
        signal,
      });
      request.once("response", resolve);
      request.once("error", (error) => {
        socket.destroy();
        reject(signal.aborted ? signal.reason : fetchFailed(error));
      });
      request.end(body);
    });
  }

  function toResponse(incoming: http.IncomingMessage, url: URL, method: string, redirected: boolean): Response {
    const status = incoming.statusCode ?? 0;
    if (status < 200 || status > 599) {
      incoming.destroy();
      throw fetchFailed(new Error(`unsupported HTTP status ${status}`));
    }
    const headers = new Headers();
    for (let i = 0; i + 1 < incoming.rawHeaders.length; i += 2) headers.append(incoming.rawHeaders[i], incoming.rawHeaders[i + 1]);
    let body: ReadableStream<Uint8Array> | null = null;
    if (method === "HEAD" || nullBodyStatuses.has(status)) incoming.resume();
    else {
      // The platform fetch decodes compressed bodies; so does this one (it asks for identity by default).
      const encoding = (headers.get("content-encoding") ?? "").trim().toLowerCase();
      const flush = { flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH };
      const decoder =
        encoding === "gzip" || encoding === "x-gzip"
          ? zlib.createGunzip(flush)
          : encoding === "deflate"
            ? zlib.createInflate(flush)
            : encoding === "br"
              ? zlib.createBrotliDecompress()
              : undefined;
      const source: Readable = decoder ? pipeline(incoming, decoder, () => undefined) : incoming;
      body = Readable.toWeb(source) as unknown as ReadableStream<Uint8Array>;
    }
    const response = new Response(body, { status, statusText: incoming.statusMessage ?? "", headers });
    Object.defineProperty(response, "url", { value: url.href });
    Object.defineProperty(response, "redirected", { value: redirected });
    return response;
  }

  return async function providerFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    const original = await requestParts(input, init);
    const signal = original.signal;
    if (signal.aborted) throw signal.reason;
    let url = original.url;
    let method = original.method;
    let body = original.body;
    let headers: Record<string, string> = { accept: "*/*", "accept-encoding": "identity" };
    original.headers.forEach((value, name) => {
      if (!managedHeaders.has(name)) headers[name] = value;
    });

    for (let hop = 0; ; hop++) {
      const candidates = await targets(url, signal);
      const socket = await open(candidates, signal);
      const incoming = await send(url, socket, method, headers, body, signal);
      const status = incoming.statusCode ?? 0;
      const location = incoming.headers.location;
      if (!redirectStatuses.has(status) || !location || original.redirect === "manual") return toResponse(incoming, url, method, hop > 0);
      incoming.destroy();
      if (original.redirect === "error") throw fetchFailed(new Error(`unexpected redirect to ${location}`));
      if (hop >= maxRedirects) throw fetchFailed(new Error(`stopped after ${maxRedirects} redirects`));
      let next: URL;
      try {
        next = new URL(location, url);
      } catch (error) {
        throw fetchFailed(error);
      }
      if (status === 303 ? method !== "HEAD" : (status === 301 || status === 302) && method === "POST") {
        method = "GET";
        body = undefined;
        headers = Object.fromEntries(Object.entries(headers).filter(([name]) => !name.startsWith("content-")));
      }
      if (!sameOrigin(next, url)) headers = Object.fromEntries(Object.entries(headers).filter(([name]) => !credentialHeaders.has(name)));
      url = next;
    }
  };
}
