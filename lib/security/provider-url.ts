import "server-only";
import { promises as dns } from "node:dns";
import ipaddr from "ipaddr.js";
import { AppError } from "@/lib/errors";
import type { Localized } from "@/lib/i18n/locale";
import { checkAddress, isMetadataHostName, metadataReason } from "./ip-ranges";

/**
 * The SSRF check for model-provider base URLs (create, update, "test connection").
 *
 * Unlike the HTTP node (lib/security/ssrf.ts), a provider URL may name this machine or the
 * owner's own network: that is the EXPLICIT ALLOWANCE for the model server the owner runs —
 * Ollama on 127.0.0.1:11434, vLLM or TGI on a LAN box (10/8, 172.16/12, 192.168/16, fc00::/7),
 * a GPU host over Tailscale (100.64/10). Whoever may configure providers already chooses where
 * prompts and API keys go, so loopback and private ranges are theirs to use.
 *
 * What is never allowed, because nobody runs a model there and reaching it leaks cloud
 * credentials: link-local addresses (169.254/16, fe80::/10 — AWS/GCP/Azure/OCI metadata at
 * 169.254.169.254, ECS at 169.254.170.2), the other metadata endpoints (fd00:ec2::254,
 * Alibaba 100.100.100.200, Azure WireServer 168.63.129.16) and their names
 * (metadata.google.internal …), whether typed literally, in IPv4-mapped / NAT64 / 6to4 form, or
 * reached through a DNS name that resolves to one; also multicast, broadcast, unspecified and
 * reserved addresses, and any scheme but http/https.
 */

/** Every address a host name resolves to. */
export type Resolver = (hostname: string) => Promise<string[]>;

export interface ProviderUrlOptions {
  /** Default: the system resolver (all addresses). Tests inject one: no real DNS. */
  resolve?: Resolver;
  /** Cap on the DNS lookup, ms (default 5 s). */
  timeoutMs?: number;
}

/** Cloud metadata services, by address (canonical form). */
const METADATA_ADDRESSES = new Set(["169.254.169.254", "169.254.170.2", "169.254.169.253", "fd00:ec2::254", "fd00:ec2::23", "100.100.100.200", "168.63.129.16", "192.0.0.192"]);
/** ip-ranges.ts ranges a provider may use anyway: the owner's own machine and networks. */
const OWNER_RANGES = new Set(["loopback", "private", "uniqueLocal", "carrierGradeNat"]);

async function systemResolve(hostname: string): Promise<string[]> {
  return (await dns.lookup(hostname, { all: true, verbatim: true })).map((entry) => entry.address);
}

function refusal(url: string, target: string, reason: Localized): AppError {
  return new AppError(
    "PROVIDER_URL_BLOCKED",
    {
      en: `The provider URL ${url} is refused: ${target} is ${reason.en}. A provider may be on this machine or your own network (a model server you run), never on cloud metadata or link-local addresses.`,
      zh: `已拒绝模型服务地址 ${url}：${target} 是${reason.zh}。模型服务可以在本机或您自己的内网（您运行的模型服务器），但不能是云元数据或链路本地地址。`,
    },
    400,
    { url, target },
  );
}

/** The IPv4 address an IPv6 address carries (mapped, translated, NAT64, 6to4, IPv4-compatible), if any. */
function embeddedV4(ip: ipaddr.IPv6): string | undefined {
  const p = ip.parts;
  const v4 = (high: number, low: number) => `${high >> 8}.${high & 0xff}.${low >> 8}.${low & 0xff}`;
  const range = ip.range();
  if (range === "ipv4Mapped" || range === "rfc6145" || range === "rfc6052") return v4(p[6], p[7]);
  if (range === "6to4") return v4(p[1], p[2]);
  if (p.slice(0, 6).every((part) => part === 0) && (p[6] !== 0 || p[7] > 1)) return v4(p[6], p[7]);
  return undefined;
}

/** Why an address may not be a provider's, or null when it may. */
function addressProblem(address: string): Localized | null {
  if (!ipaddr.isValid(address)) return { en: "not a valid IP address", zh: "无效的 IP 地址" };
  const ip = ipaddr.parse(address);
  const canonical = ip.toString();
  const inner = ip.kind() === "ipv6" ? embeddedV4(ip as ipaddr.IPv6) : undefined;
  if (METADATA_ADDRESSES.has(canonical) || (inner && METADATA_ADDRESSES.has(inner))) return metadataReason;
  const verdict = checkAddress(address);
  if (verdict.allowed || OWNER_RANGES.has(verdict.range)) return null;
  return verdict.reason ?? { en: "a special-purpose address", zh: "特殊用途地址" };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`DNS lookup took longer than ${ms} ms`)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** A provider URL that passed the check, with every address its host resolved to (all checked). */
export interface CheckedProviderUrl {
  url: URL;
  /** The host without IPv6 brackets. */
  host: string;
  /** Every address the host resolved to, in resolver order, each allowed for a provider. */
  addresses: string[];
}

/**
 * Checks a provider base URL and returns it parsed, or throws an AppError (400) in both
 * languages: PROVIDER_URL_INVALID, PROVIDER_URL_BLOCKED, PROVIDER_URL_UNRESOLVED. Every address
 * the host resolves to must pass. Loopback and private networks pass on purpose (see the file
 * comment); metadata and link-local never do.
 * @example await checkProviderUrl("http://127.0.0.1:11434") // ok: the owner's Ollama
 * @example await checkProviderUrl("http://169.254.169.254/latest") // throws PROVIDER_URL_BLOCKED
 */
export async function checkProviderUrl(raw: string, options: ProviderUrlOptions = {}): Promise<URL> {
  return (await resolveProviderUrl(raw, options)).url;
}

/**
 * The same check, also returning the checked addresses so a request can dial exactly those
 * (lib/security/provider-fetch.ts does, on every model request: no second DNS answer is used).
 * @example const { addresses } = await resolveProviderUrl("http://gpu-box.lan:8000/v1") // ["192.168.1.20"]
 */
export async function resolveProviderUrl(raw: string, options: ProviderUrlOptions = {}): Promise<CheckedProviderUrl> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    const shown = raw.length > 200 ? `${raw.slice(0, 200)}…` : raw;
    throw new AppError("PROVIDER_URL_INVALID", { en: `"${shown}" is not a valid URL.`, zh: `「${shown}」不是有效的网址。` }, 400);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw refusal(url.href, url.protocol, { en: "not http or https (only those schemes reach a model server)", zh: "非 http/https 协议（只有这两种协议可访问模型服务）" });
  }
  if (url.username || url.password) {
    throw new AppError("PROVIDER_URL_INVALID", { en: "Put the API key in the API key field, not in the URL.", zh: "请把 API 密钥填在“API 密钥”一栏，不要写在网址里。" }, 400);
  }
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (isMetadataHostName(host)) throw refusal(url.href, host, metadataReason);
  let addresses: string[];
  if (ipaddr.isValid(host)) addresses = [host];
  else {
    try {
      addresses = await withTimeout((options.resolve ?? systemResolve)(host), options.timeoutMs ?? 5_000);
    } catch {
      addresses = [];
    }
    if (addresses.length === 0) {
      throw new AppError("PROVIDER_URL_UNRESOLVED", { en: `Could not find the host ${host}: check the provider URL.`, zh: `找不到主机 ${host}，请检查模型服务地址。` }, 400, { host });
    }
  }
  for (const address of addresses) {
    const problem = addressProblem(address);
    if (problem) throw refusal(url.href, address === host ? address : `${host} (${address})`, problem);
  }
  return { url, host, addresses };
}
