import "server-only";
import { promises as dns } from "node:dns";
import http from "node:http";
import net from "node:net";
import tls from "node:tls";
import ipaddr from "ipaddr.js";
import { AppError, isAppError } from "@/lib/errors";
import type { GuardedRequest, GuardedResponse } from "@/nodes/context";
import { checkAddress, isMetadataHostName, metadataReason } from "./ip-ranges";
import { untilAborted } from "./abort";

/** Where the guard dials: the checked address, never the host name again (DNS rebinding). */
export interface ConnectTarget {
  address: string;
  port: number;
  family: 4 | 6;
  tls: boolean;
  /** The URL's host name: TLS SNI and certificate check. */
  servername: string;
}

export interface GuardedFetchOptions {
  /** Every address a host name resolves to. Default: the system resolver, all addresses. */
  resolve?: (hostname: string) => Promise<string[]>;
  /** Opens the socket to a checked address. Default: net.connect / tls.connect. */
  connect?: (target: ConnectTarget) => net.Socket | tls.TLSSocket;
  /** Lets an operator open specific addresses that the guard would refuse (an intranet API they trust). */
  allow?: (address: string) => boolean;
  /** Default 5. */
  maxRedirects?: number;
}

export type GuardedFetch = (request: GuardedRequest) => Promise<GuardedResponse>;

const DEFAULT_TIMEOUT_MS = 10_000;
const MAX_TIMEOUT_MS = 60_000;
const DEFAULT_MAX_BYTES = 1024 * 1024;
const MAX_BYTES = 10 * 1024 * 1024;
const redirectStatuses = new Set([301, 302, 303, 307, 308]);
/** Transport headers the guard sets itself; a caller setting them could smuggle requests. */
const managedHeaders = new Set(["host", "content-length", "transfer-encoding", "connection", "upgrade", "te", "trailer", "keep-alive", "proxy-connection"]);
const credentialHeaders = new Set(["authorization", "cookie", "proxy-authorization"]);

async function systemResolve(hostname: string): Promise<string[]> {
  return (await dns.lookup(hostname, { all: true, verbatim: true })).map((entry) => entry.address);
}

function systemConnect(target: ConnectTarget): net.Socket | tls.TLSSocket {
  if (!target.tls) return net.connect({ host: target.address, port: target.port, family: target.family });
  // SNI may not be an IP; without it, Node checks the certificate against `host` (the IP literal).
  const servername = net.isIP(target.servername) ? undefined : target.servername;
  return tls.connect({ host: target.address, port: target.port, servername, ALPNProtocols: ["http/1.1"] });
}

function clamp(value: number | undefined, fallback: number, max: number): number {
  if (value === undefined || !Number.isFinite(value) || value <= 0) return fallback;
  return Math.min(Math.floor(value), max);
}

function parseUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    const shown = raw.length > 200 ? `${raw.slice(0, 200)}…` : raw;
    throw new AppError("URL_INVALID", { en: `"${shown}" is not a valid URL.`, zh: `「${shown}」不是有效的网址。` }, 400);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new AppError("SSRF_BLOCKED", { en: `Only http and https URLs may be fetched, not ${url.protocol}`, zh: `只能访问 http 和 https 网址，不支持 ${url.protocol}` }, 403, { url: url.href });
  }
  if (url.username || url.password) {
    throw new AppError("URL_INVALID", { en: "Put credentials in a header, not in the URL.", zh: "请把凭据放在请求头中，不要写在网址里。" }, 400);
  }
  return url;
}

function bareHost(url: URL): string {
  const host = url.hostname;
  return host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
}

function blocked(host: string, address: string, reason: { en: string; zh: string }): AppError {
  const target = host === address ? address : `${host} (${address})`;
  return new AppError(
    "SSRF_BLOCKED",
    { en: `Refused to connect to ${target}: it is ${reason.en}.`, zh: `已拒绝连接 ${host === address ? address : `${host}（${address}）`}：该地址是${reason.zh}。` },
    403,
    { host, address },
  );
}

function send(url: URL, target: ConnectTarget, method: string, headers: Record<string, string>, body: string | undefined, signal: AbortSignal, connect: GuardedFetchOptions["connect"] & object) {
  return new Promise<{ request: http.ClientRequest; response: http.IncomingMessage }>((resolve, reject) => {
    const request = http.request({
      method,
      path: `${url.pathname}${url.search}`,
      headers: { ...headers, host: url.host, ...(body === undefined ? {} : { "content-length": String(Buffer.byteLength(body)) }) },
      setHost: false,
      // No agent: every request gets a fresh socket dialled to the checked address only.
      createConnection: () => connect(target),
      signal,
    });
    request.once("response", (response) => resolve({ request, response }));
    request.once("error", reject);
    request.end(body);
  });
}

/**
 * Reads at most `maxBytes` of a body. At the cap it stops and destroys the response (and so
 * the socket): an endless or huge body costs no more than the cap.
 */
function readCapped(response: http.IncomingMessage, maxBytes: number): Promise<{ bytes: Buffer; truncated: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = (truncated: boolean) => {
      if (settled) return;
      settled = true;
      resolve({ bytes: Buffer.concat(chunks, size), truncated });
    };
    response.on("data", (chunk: Buffer) => {
      if (settled) return;
      if (size + chunk.length > maxBytes) {
        chunks.push(chunk.subarray(0, maxBytes - size));
        size = maxBytes;
        finish(true);
        response.destroy();
        return;
      }
      chunks.push(chunk);
      size += chunk.length;
    });
    response.once("end", () => finish(false));
    const fail = (error: unknown) => {
      if (settled) return;
      settled = true;
      reject(error);
    };
    response.once("error", fail);
    response.once("close", () => fail(new Error("the connection closed before the response ended")));
  });
}

function flattenHeaders(headers: http.IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return flat;
}

/**
 * The one way to fetch a URL a user typed (HTTP node, web loaders). Resolves the host,
 * refuses if ANY address is loopback, private, link-local/metadata, CGNAT, unique-local,
 * multicast, reserved or an IPv6 form carrying one of those; then dials exactly the checked
 * address (so a second, rebinding DNS answer is never used), re-checks every redirect,
 * and caps bytes and time. The server passes the result as `ctx.fetch`.
 * @example const fetchUrl = createGuardedFetch(); await fetchUrl({ url: "https://example.com", method: "GET" })
 */
export function createGuardedFetch(options: GuardedFetchOptions = {}): GuardedFetch {
  const resolve = options.resolve ?? systemResolve;
  const connect = options.connect ?? systemConnect;
  const maxRedirects = options.maxRedirects ?? 5;

  async function pin(url: URL, signal: AbortSignal): Promise<ConnectTarget> {
    const host = bareHost(url);
    const name = host.replace(/\.+$/, "").toLowerCase();
    const literal = net.isIP(host) !== 0 || ipaddr.isValid(host);
    if (!literal && (name === "localhost" || name.endsWith(".localhost"))) throw blocked(host, host, { en: "a loopback name (localhost)", zh: "本机名称（localhost）" });
    // Refused by name, before any lookup, as provider URLs are (one list: ip-ranges.ts).
    if (!literal && isMetadataHostName(name)) throw blocked(host, host, metadataReason);
    let addresses: string[];
    try {
      addresses = literal ? [host] : await untilAborted(resolve(host), signal);
    } catch (error) {
      if (signal.aborted) throw error;
      throw new AppError("HTTP_ERROR", { en: `Could not find the host ${host}.`, zh: `找不到主机 ${host}。` }, 502, { host });
    }
    if (addresses.length === 0) throw new AppError("HTTP_ERROR", { en: `The host ${host} has no address.`, zh: `主机 ${host} 没有可用地址。` }, 502, { host });
    const verdicts = addresses.map(checkAddress);
    for (const verdict of verdicts) {
      if (!verdict.allowed && !options.allow?.(verdict.address)) throw blocked(host, verdict.address, verdict.reason ?? { en: "not allowed", zh: "不允许访问的地址" });
    }
    const address = verdicts[0].address;
    const tlsOn = url.protocol === "https:";
    return { address, port: Number(url.port) || (tlsOn ? 443 : 80), family: net.isIPv6(address) ? 6 : 4, tls: tlsOn, servername: host };
  }

  return async function guardedFetch(request: GuardedRequest): Promise<GuardedResponse> {
    const timeoutMs = clamp(request.timeoutMs, DEFAULT_TIMEOUT_MS, MAX_TIMEOUT_MS);
    const maxBytes = clamp(request.maxBytes, DEFAULT_MAX_BYTES, MAX_BYTES);
    let url = parseUrl(request.url);
    const controller = new AbortController();
    const timer = setTimeout(() => {
      controller.abort(new AppError("HTTP_TIMEOUT", { en: `The request to ${url.host} took longer than ${timeoutMs} ms and was stopped.`, zh: `请求 ${url.host} 超过 ${timeoutMs} 毫秒，已中止。` }, 504, { url: url.href }));
    }, timeoutMs);
    const onCallerAbort = () => {
      const reason: unknown = request.signal?.reason;
      controller.abort(isAppError(reason) ? reason : new AppError("CANCELLED", { en: "The request was cancelled.", zh: "请求已取消。" }, 499));
    };
    if (request.signal?.aborted) onCallerAbort();
    request.signal?.addEventListener("abort", onCallerAbort, { once: true });

    let method: string = request.method;
    let body = request.body;
    let headers: Record<string, string> = { "user-agent": "Trellis/0.1", accept: "*/*", "accept-encoding": "identity" };
    for (const [name, value] of Object.entries(request.headers ?? {})) {
      if (!managedHeaders.has(name.toLowerCase())) headers[name.toLowerCase()] = value;
    }
    try {
      for (let hop = 0; ; hop++) {
        if (controller.signal.aborted) throw controller.signal.reason;
        const target = await pin(url, controller.signal);
        const { request: sent, response } = await send(url, target, method, headers, body, controller.signal, connect);
        const status = response.statusCode ?? 0;
        const location = response.headers.location;
        if (redirectStatuses.has(status) && location) {
          response.destroy();
          sent.destroy();
          if (hop >= maxRedirects) {
            throw new AppError("HTTP_ERROR", { en: `Stopped after ${maxRedirects} redirects.`, zh: `重定向超过 ${maxRedirects} 次，已停止。` }, 502, { url: url.href });
          }
          const next = parseUrl(new URL(location, url).href);
          if (status === 303 || ((status === 301 || status === 302) && method === "POST")) {
            method = "GET";
            body = undefined;
            headers = Object.fromEntries(Object.entries(headers).filter(([name]) => name !== "content-type"));
          }
          if (next.origin !== url.origin) headers = Object.fromEntries(Object.entries(headers).filter(([name]) => !credentialHeaders.has(name)));
          url = next;
          continue;
        }
        const { bytes, truncated } = await readCapped(response, maxBytes);
        if (truncated) sent.destroy();
        return { status, headers: flattenHeaders(response.headers), body: decodeBody(bytes, response.headers["content-type"], truncated), truncated, url: url.href };
      }
    } catch (error) {
      if (controller.signal.aborted && isAppError(controller.signal.reason)) throw controller.signal.reason;
      if (isAppError(error)) throw error;
      const detail = error instanceof Error ? error.message : String(error);
      throw new AppError("HTTP_ERROR", { en: `Could not reach ${url.host}: ${detail}`, zh: `无法访问 ${url.host}：${detail}` }, 502, { url: url.href });
    } finally {
      clearTimeout(timer);
      request.signal?.removeEventListener("abort", onCallerAbort);
    }
  };
}

/** Decodes with the charset the server declares (GBK/GB18030 pages are common in China), UTF-8 otherwise. */
function decodeBody(bytes: Buffer, contentType: string | undefined, truncated: boolean): string {
  const charset = /charset\s*=\s*"?([\w.:-]+)/i.exec(contentType ?? "")?.[1] ?? "utf-8";
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(charset);
  } catch {
    decoder = new TextDecoder("utf-8");
  }
  // `stream: true` holds back a character cut in half by the byte cap instead of emitting U+FFFD.
  return decoder.decode(bytes, { stream: truncated });
}
