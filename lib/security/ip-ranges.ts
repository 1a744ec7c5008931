import ipaddr from "ipaddr.js";
import type { Localized } from "@/lib/i18n/locale";

/** The outcome of checking one IP address against the ranges a user-supplied URL may not reach. */
export interface AddressVerdict {
  allowed: boolean;
  /** Canonical form of the address: what the connection must dial if allowed. */
  address: string;
  /** ipaddr.js range name (or ours: ipv4Compatible, nat64Local, invalid, zoned). */
  range: string;
  /** Why it was refused, for the error message. */
  reason?: Localized;
}

const reasons: Record<string, Localized> = {
  loopback: { en: "a loopback address (this machine)", zh: "本机回环地址" },
  private: { en: "a private network address", zh: "内网地址" },
  linkLocal: { en: "a link-local address (includes cloud metadata at 169.254.169.254)", zh: "链路本地地址（包括 169.254.169.254 云元数据服务）" },
  carrierGradeNat: { en: "a carrier-grade NAT address (100.64.0.0/10)", zh: "运营商级 NAT 地址（100.64.0.0/10）" },
  uniqueLocal: { en: "a unique-local IPv6 address (fc00::/7)", zh: "IPv6 唯一本地地址（fc00::/7）" },
  multicast: { en: "a multicast address", zh: "组播地址" },
  unspecified: { en: "an unspecified address (0.0.0.0 or ::)", zh: "未指定地址（0.0.0.0 或 ::）" },
  broadcast: { en: "the broadcast address", zh: "广播地址" },
  reserved: { en: "a reserved or documentation-only address", zh: "保留地址或文档示例地址" },
  benchmarking: { en: "a benchmarking address", zh: "基准测试专用地址" },
  teredo: { en: "a Teredo tunnel address", zh: "Teredo 隧道地址" },
  ipv4Compatible: { en: "an IPv4-compatible IPv6 address (::/96)", zh: "IPv4 兼容 IPv6 地址（::/96）" },
  nat64Local: { en: "a local-use NAT64 address (64:ff9b:1::/48)", zh: "本地用途 NAT64 地址（64:ff9b:1::/48）" },
  deprecatedSiteLocal: { en: "a site-local IPv6 address (fec0::/10)", zh: "IPv6 站点本地地址（fec0::/10）" },
  zoned: { en: "an address with a network interface zone", zh: "带网络接口区域标识的地址" },
  invalid: { en: "not a valid IP address", zh: "不是有效的 IP 地址" },
};

/**
 * Host names of cloud metadata services (GCP, AWS, Azure, Tencent, Equinix…). Both the HTTP node
 * (ssrf.ts) and provider URLs (provider-url.ts) refuse them by name, before any DNS lookup: a
 * resolver inside the cloud answers them with the metadata address, and a name refused up front
 * cannot be re-pointed later.
 */
const METADATA_HOST_NAMES = new Set(["metadata.google.internal", "metadata.goog", "metadata", "instance-data", "instance-data.ec2.internal", "metadata.azure.com", "metadata.tencentyun.com", "metadata.platformequinix.com"]);

export const metadataReason: Localized = { en: "a cloud metadata service", zh: "云服务器元数据服务" };

/**
 * Whether a URL's host names a cloud metadata service (case and trailing dots ignored).
 * @example isMetadataHostName("Metadata.Google.Internal.") // true
 */
export function isMetadataHostName(host: string): boolean {
  return METADATA_HOST_NAMES.has(host.replace(/\.+$/, "").toLowerCase());
}

function reasonFor(range: string): Localized {
  return reasons[range] ?? { en: `a special-purpose address (${range})`, zh: `特殊用途地址（${range}）` };
}

function refused(address: string, range: string, reason = reasonFor(range)): AddressVerdict {
  return { allowed: false, address, range, reason };
}

function v4FromParts(high: number, low: number): ipaddr.IPv4 {
  return new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);
}

function checkV4(ip: ipaddr.IPv4, shown: string): AddressVerdict {
  const range = ip.range();
  return range === "unicast" ? { allowed: true, address: shown, range } : refused(shown, range);
}

/** An IPv6 address that carries an IPv4 address is as safe as the IPv4 address it carries. */
function checkEmbedded(embedded: ipaddr.IPv4, shown: string, via: string): AddressVerdict {
  const inner = checkV4(embedded, shown);
  if (inner.allowed) return { ...inner, range: via };
  const base = reasonFor(inner.range);
  const carrier = embedded.toString();
  return refused(shown, inner.range, { en: `${base.en}, embedded as ${carrier} in ${via}`, zh: `${base.zh}（以 ${via} 形式内嵌 ${carrier}）` });
}

function checkV6(ip: ipaddr.IPv6, shown: string): AddressVerdict {
  const parts = ip.parts;
  if (ip.zoneId) return refused(shown, "zoned");
  const range = ip.range();
  switch (range) {
    case "unicast":
      // ::a.b.c.d (deprecated IPv4-compatible) is "unicast" to ipaddr.js but some stacks route it to IPv4.
      if (parts.slice(0, 6).every((part) => part === 0)) return refused(shown, "ipv4Compatible");
      return { allowed: true, address: shown, range };
    case "ipv4Mapped":
    case "rfc6145":
      return checkEmbedded(v4FromParts(parts[6], parts[7]), shown, range === "ipv4Mapped" ? "IPv4-mapped IPv6" : "IPv4-translated IPv6");
    case "rfc6052":
      // 64:ff9b::/96 is the well-known NAT64 prefix; 64:ff9b:1::/48 is for local networks only.
      if (parts[2] !== 0 || parts[3] !== 0 || parts[4] !== 0 || parts[5] !== 0) return refused(shown, "nat64Local");
      return checkEmbedded(v4FromParts(parts[6], parts[7]), shown, "NAT64");
    case "6to4":
      return checkEmbedded(v4FromParts(parts[1], parts[2]), shown, "6to4");
    default:
      // Teredo, unique-local, link-local, multicast, documentation, ORCHID, AMT…: all refused.
      return refused(shown, range);
  }
}

/**
 * Decides whether a user-supplied URL may connect to an address. Only ordinary public
 * unicast addresses pass; IPv6 forms that carry an IPv4 address (mapped, NAT64, 6to4) are
 * judged by the IPv4 address inside, so `::ffff:169.254.169.254` cannot sneak past.
 * @example checkAddress("169.254.169.254").allowed // false
 * @example checkAddress("93.184.216.34").allowed // true
 */
export function checkAddress(address: string): AddressVerdict {
  let ip: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    ip = ipaddr.parse(address);
  } catch {
    return refused(address, "invalid");
  }
  if (ip.kind() === "ipv4") {
    const v4 = ip as ipaddr.IPv4;
    return checkV4(v4, v4.toString());
  }
  const v6 = ip as ipaddr.IPv6;
  return checkV6(v6, v6.toString());
}
