import http from "node:http";
import net from "node:net";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { AppError, isAppError } from "@/lib/errors";
import { checkAddress } from "@/lib/security/ip-ranges";
import { createGuardedFetch, type ConnectTarget } from "@/lib/security/ssrf";
import type { GuardedRequest } from "@/nodes/context";

/*
 * Nothing here dials anything but 127.0.0.1: the resolver is fake, and the connector records
 * what the guard asked for and only ever opens the local test server, and only for the
 * pretend-public addresses below. If the guard were broken, a blocked case would show up
 * as a recorded dial, never as real traffic.
 */
const PUBLIC = "93.184.216.34";
const OTHER_PUBLIC = "93.184.216.35";
const pretendPublic = new Set([PUBLIC, OTHER_PUBLIC]);

let server: http.Server;
let serverPort = 0;
let bigResponseClosedEarly = false;

const routes: Record<string, (req: http.IncomingMessage, res: http.ServerResponse, body: string) => void> = {
  "/": (_req, res) => res.writeHead(200, { "content-type": "application/json" }).end('{"hello":"你好"}'),
  "/echo": (req, res, body) => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ method: req.method, headers: req.headers, body })),
  "/redirect-internal": (_req, res) => res.writeHead(302, { location: "http://127.0.0.1:5432/" }).end(),
  "/redirect-metadata-name": (_req, res) => res.writeHead(301, { location: "http://metadata.test/latest/meta-data/" }).end(),
  "/redirect-gcp-metadata": (_req, res) => res.writeHead(302, { location: "http://metadata.google.internal/computeMetadata/v1/" }).end(),
  "/redirect-other": (_req, res) => res.writeHead(303, { location: "http://other.test/echo" }).end(),
  "/redirect-relative": (_req, res) => res.writeHead(307, { location: "/echo?from=relative" }).end(),
  "/redirect-file": (_req, res) => res.writeHead(302, { location: "file:///etc/passwd" }).end(),
  "/loop": (_req, res) => res.writeHead(302, { location: "/loop" }).end(),
  "/big": (_req, res) => {
    res.writeHead(200, { "content-type": "text/plain" });
    const chunk = "x".repeat(64 * 1024);
    let sent = 0;
    res.on("close", () => {
      if (!res.writableFinished) bigResponseClosedEarly = true;
    });
    const pump = () => {
      while (sent < 50 * 1024 * 1024 && !res.destroyed) {
        sent += chunk.length;
        if (!res.write(chunk)) return void res.once("drain", pump);
      }
      res.end();
    };
    pump();
  },
  "/chinese": (_req, res) => res.writeHead(200, { "content-type": "text/plain; charset=utf-8" }).end("你好世界"),
  "/gbk": (_req, res) => res.writeHead(200, { "content-type": "text/html; charset=GBK" }).end(Buffer.from([0xc4, 0xe3, 0xba, 0xc3])),
  "/slow-headers": () => undefined,
  "/drip": (_req, res) => {
    res.writeHead(200, { "content-type": "text/plain" });
    const timer = setInterval(() => res.write("."), 50);
    res.on("close", () => clearInterval(timer));
  },
};

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => (body += chunk));
    req.on("end", () => (routes[new URL(req.url ?? "/", "http://x").pathname] ?? ((_q, r) => r.writeHead(404).end()))(req, res, body));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  serverPort = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

let dials: ConnectTarget[];
let lookups: string[];
let rebindCalls: number;

const names: Record<string, string[]> = {
  "public.test": [PUBLIC],
  "other.test": [OTHER_PUBLIC],
  "mixed.test": [PUBLIC, "10.0.0.5"],
  "mixed6.test": ["2606:2800:220:1:248:1893:25c8:1946", "fd00::1"],
  "metadata.test": ["169.254.169.254"],
  "intranet.test": ["10.0.0.7"],
};

async function fakeResolve(hostname: string): Promise<string[]> {
  lookups.push(hostname);
  if (hostname === "rebind.test") return ++rebindCalls === 1 ? [PUBLIC] : ["127.0.0.1"];
  const found = names[hostname];
  if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: "ENOTFOUND" });
  return found;
}

function recordingConnect(target: ConnectTarget): net.Socket {
  dials.push(target);
  if (!pretendPublic.has(target.address) || target.tls) throw new Error(`test connector refuses to dial ${target.address}`);
  return net.connect({ host: "127.0.0.1", port: serverPort });
}

const guarded = (extra: Parameters<typeof createGuardedFetch>[0] = {}) => createGuardedFetch({ resolve: fakeResolve, connect: recordingConnect, ...extra });

async function failure(request: Partial<GuardedRequest> & { url: string }, fetcher = guarded()): Promise<AppError> {
  try {
    await fetcher({ method: "GET", ...request });
  } catch (error) {
    if (isAppError(error)) return error;
    throw error;
  }
  throw new Error(`expected ${request.url} to fail`);
}

beforeEach(() => {
  dials = [];
  lookups = [];
  rebindCalls = 0;
  bigResponseClosedEarly = false;
});

describe("C12 SSRF guard: refused targets never reach the connector", () => {
  it.each([
    ["http://127.0.0.1/", "127.0.0.1"],
    ["http://127.0.0.1:5432/", "127.0.0.1"],
    ["http://[::1]/", "::1"],
    ["http://[::ffff:127.0.0.1]/", "::ffff:7f00:1"],
    ["http://[::ffff:169.254.169.254]/", "::ffff:a9fe:a9fe"],
    ["http://169.254.169.254/latest/meta-data/", "169.254.169.254"],
    ["http://[fd00:ec2::254]/", "fd00:ec2::254"],
    ["http://100.64.0.1/", "100.64.0.1"],
    ["http://0x7f000001/", "127.0.0.1"],
    ["http://2130706433/", "127.0.0.1"],
    ["http://017700000001/", "127.0.0.1"],
    ["http://127.1/", "127.0.0.1"],
    ["http://10.1.2.3/", "10.1.2.3"],
    ["http://172.16.0.1/", "172.16.0.1"],
    ["http://192.168.1.1/", "192.168.1.1"],
    ["http://0.0.0.0/", "0.0.0.0"],
    ["http://[::]/", "::"],
    ["http://255.255.255.255/", "255.255.255.255"],
    ["http://224.0.0.1/", "224.0.0.1"],
    ["http://192.0.2.1/", "192.0.2.1"],
    ["http://198.18.0.1/", "198.18.0.1"],
    ["http://[fe80::1]/", "fe80::1"],
    ["http://[2001:db8::1]/", "2001:db8::1"],
    ["http://[64:ff9b::7f00:1]/", "64:ff9b::7f00:1"],
    ["http://[2002:a9fe:a9fe::1]/", "2002:a9fe:a9fe::1"],
    ["http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/", "2001:0:4136:e378:8000:63bf:3fff:fdd2"],
    ["http://[::7f00:1]/", "::7f00:1"],
    ["http://mixed.test/", "10.0.0.5"],
    ["http://mixed6.test/", "fd00::1"],
    ["http://metadata.test/", "169.254.169.254"],
  ])("%s is refused (%s)", async (url, address) => {
    const error = await failure({ url });
    expect(error.code).toBe("SSRF_BLOCKED");
    expect(error.messageIn("en")).toContain(address);
    expect(error.messageIn("zh")).toContain("已拒绝连接");
    expect(dials).toEqual([]);
  });

  it.each(["http://localhost./", "http://localhost:3000/", "http://LOCALHOST/", "http://api.localhost/"])("%s is refused by name, before any lookup", async (url) => {
    const error = await failure({ url });
    expect(error.code).toBe("SSRF_BLOCKED");
    expect(error.messageIn("zh")).toContain("localhost");
    expect(lookups).toEqual([]);
    expect(dials).toEqual([]);
  });

  it.each([
    ["file:///etc/passwd", "SSRF_BLOCKED"],
    ["gopher://127.0.0.1:6379/_INFO", "SSRF_BLOCKED"],
    ["ftp://public.test/x", "SSRF_BLOCKED"],
    ["http://user:pass@public.test/", "URL_INVALID"],
    ["not a url", "URL_INVALID"],
  ])("%s is refused with %s", async (url, code) => {
    expect((await failure({ url })).code).toBe(code);
    expect(lookups).toEqual([]);
    expect(dials).toEqual([]);
  });

  it("explains the metadata refusal in both languages", async () => {
    const error = await failure({ url: "http://169.254.169.254/latest/meta-data/" });
    expect(error.messageIn("en")).toBe("Refused to connect to 169.254.169.254: it is a link-local address (includes cloud metadata at 169.254.169.254).");
    expect(error.messageIn("zh")).toContain("云元数据");
    expect(error.status).toBe(403);
  });

  it("names the embedded IPv4 address of a mapped IPv6 address", async () => {
    const error = await failure({ url: "http://[::ffff:169.254.169.254]/" });
    expect(error.messageIn("en")).toContain("embedded as 169.254.169.254");
  });

  it("refuses literal addresses with the default resolver and connector too", async () => {
    const error = await failure({ url: "http://[::ffff:127.0.0.1]:5432/" }, createGuardedFetch());
    expect(error.code).toBe("SSRF_BLOCKED");
  });
});

describe("C12 SSRF guard: allowed requests are pinned to the checked address", () => {
  it("fetches a public name through the address it checked", async () => {
    const response = await guarded()({ url: "http://public.test/", method: "GET" });
    expect(response).toMatchObject({ status: 200, body: '{"hello":"你好"}', truncated: false, url: "http://public.test/" });
    expect(response.headers["content-type"]).toBe("application/json");
    expect(dials).toEqual([{ address: PUBLIC, port: 80, family: 4, tls: false, servername: "public.test" }]);
  });

  it("sends method, headers and body, and the original Host", async () => {
    const response = await guarded()({
      url: "http://public.test:8080/echo",
      method: "POST",
      headers: { "X-Token": "abc", Host: "evil.internal", "Content-Type": "application/json" },
      body: '{"q":"北京"}',
    });
    const echoed = JSON.parse(response.body) as { method: string; headers: Record<string, string>; body: string };
    expect(echoed.method).toBe("POST");
    expect(echoed.body).toBe('{"q":"北京"}');
    expect(echoed.headers).toMatchObject({ host: "public.test:8080", "x-token": "abc", "content-length": String(Buffer.byteLength('{"q":"北京"}')) });
    expect(dials[0].port).toBe(8080);
  });

  it("passes SNI and the TLS flag for https", async () => {
    const error = await failure({ url: "https://public.test/" });
    expect(error.code).toBe("HTTP_ERROR");
    expect(dials).toEqual([{ address: PUBLIC, port: 443, family: 4, tls: true, servername: "public.test" }]);
  });

  it("survives DNS rebinding: dials the first answer, and refuses the name once it rebinds", async () => {
    const fetchUrl = guarded();
    const first = await fetchUrl({ url: "http://rebind.test/", method: "GET" });
    expect(first.status).toBe(200);
    expect(lookups).toEqual(["rebind.test"]);
    expect(dials.map((dial) => dial.address)).toEqual([PUBLIC]);

    const second = await failure({ url: "http://rebind.test/" }, fetchUrl);
    expect(second.code).toBe("SSRF_BLOCKED");
    expect(second.messageIn("en")).toContain("rebind.test (127.0.0.1)");
    expect(dials).toHaveLength(1);
  });

  it("re-checks a redirect to 127.0.0.1:5432 and refuses it", async () => {
    const error = await failure({ url: "http://public.test/redirect-internal" });
    expect(error.code).toBe("SSRF_BLOCKED");
    expect(error.messageIn("en")).toContain("127.0.0.1");
    expect(dials.map((dial) => dial.address)).toEqual([PUBLIC]);
  });

  it("re-resolves a redirect to another name and refuses its private address", async () => {
    const error = await failure({ url: "http://public.test/redirect-metadata-name" });
    expect(error.code).toBe("SSRF_BLOCKED");
    expect(lookups).toEqual(["public.test", "metadata.test"]);
    expect(dials).toHaveLength(1);
  });

  it("refuses a redirect to file:", async () => {
    expect((await failure({ url: "http://public.test/redirect-file" })).code).toBe("SSRF_BLOCKED");
  });

  it("follows allowed redirects: 303 turns POST into GET and drops credentials across origins", async () => {
    const response = await guarded()({ url: "http://public.test/redirect-other", method: "POST", body: "x=1", headers: { Authorization: "Bearer s3cret", "X-Keep": "1" } });
    const echoed = JSON.parse(response.body) as { method: string; headers: Record<string, string>; body: string };
    expect(response.url).toBe("http://other.test/echo");
    expect(echoed.method).toBe("GET");
    expect(echoed.body).toBe("");
    expect(echoed.headers.authorization).toBeUndefined();
    expect(echoed.headers["x-keep"]).toBe("1");
    expect(dials.map((dial) => dial.address)).toEqual([PUBLIC, OTHER_PUBLIC]);
  });

  it("keeps the method on a relative 307", async () => {
    const response = await guarded()({ url: "http://public.test/redirect-relative", method: "PUT", body: "data" });
    expect(response.url).toBe("http://public.test/echo?from=relative");
    expect(JSON.parse(response.body)).toMatchObject({ method: "PUT", body: "data" });
  });

  it("stops after the maximum number of redirects", async () => {
    const error = await failure({ url: "http://public.test/loop" }, guarded({ maxRedirects: 3 }));
    expect(error.code).toBe("HTTP_ERROR");
    expect(error.messageIn("zh")).toContain("重定向超过 3 次");
    expect(dials).toHaveLength(4);
  });

  it("lets an operator allow-list an address the guard would refuse", async () => {
    const allowed = new Set(["10.0.0.7"]);
    const connect = (target: ConnectTarget) => {
      dials.push(target);
      return net.connect({ host: "127.0.0.1", port: serverPort });
    };
    const response = await createGuardedFetch({ resolve: fakeResolve, connect, allow: (address) => allowed.has(address) })({ url: "http://intranet.test/", method: "GET" });
    expect(response.status).toBe(200);
    expect(dials[0].address).toBe("10.0.0.7");
  });

  it("reports an unknown host clearly", async () => {
    const error = await failure({ url: "http://nowhere.test/" });
    expect(error.code).toBe("HTTP_ERROR");
    expect(error.messageIn("zh")).toBe("找不到主机 nowhere.test。");
  });
});

describe("C12 SSRF guard: size and time caps", () => {
  it("truncates a large response at maxBytes and hangs up", async () => {
    const response = await guarded()({ url: "http://public.test/big", method: "GET", maxBytes: 100_000 });
    expect(response.truncated).toBe(true);
    expect(response.body.length).toBe(100_000);
    await expect.poll(() => bigResponseClosedEarly).toBe(true);
  });

  it("does not split a Chinese character at the cap", async () => {
    const response = await guarded()({ url: "http://public.test/chinese", method: "GET", maxBytes: 8 });
    expect(response).toMatchObject({ body: "你好", truncated: true });
    const whole = await guarded()({ url: "http://public.test/chinese", method: "GET", maxBytes: 12 });
    expect(whole).toMatchObject({ body: "你好世界", truncated: false });
  });

  it("decodes the charset the server declares (GBK)", async () => {
    expect((await guarded()({ url: "http://public.test/gbk", method: "GET" })).body).toBe("你好");
  });

  it.each(["/slow-headers", "/drip"])("aborts a slow server (%s) at the timeout", async (path) => {
    const started = Date.now();
    const error = await failure({ url: `http://public.test${path}`, timeoutMs: 300 });
    expect(error.code).toBe("HTTP_TIMEOUT");
    expect(error.messageIn("zh")).toContain("300 毫秒");
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it("honours the caller's abort signal", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const error = await failure({ url: "http://public.test/slow-headers", timeoutMs: 10_000, signal: controller.signal });
    expect(error.code).toBe("CANCELLED");
  });
});

describe("address ranges", () => {
  it.each(["93.184.216.34", "8.8.8.8", "2606:2800:220:1:248:1893:25c8:1946", "::ffff:93.184.216.34", "64:ff9b::5db8:d822", "2002:5db8:d822::1"])("allows public %s", (address) => {
    expect(checkAddress(address).allowed).toBe(true);
  });

  it.each([
    ["127.0.0.1", "loopback"],
    ["100.127.255.255", "carrierGradeNat"],
    ["172.31.255.255", "private"],
    ["fc00::1", "uniqueLocal"],
    ["ff02::1", "multicast"],
    ["64:ff9b:1::a00:1", "nat64Local"],
    ["::ffff:0:a00:1", "private"],
    ["fe80::1%eth0", "zoned"],
    ["not-an-ip", "invalid"],
  ])("refuses %s as %s", (address, range) => {
    const verdict = checkAddress(address);
    expect(verdict).toMatchObject({ allowed: false, range });
    expect(verdict.reason?.zh).toMatch(/[\u4e00-\u9fff]/);
  });
});

describe("finding 7: the HTTP node refuses cloud-metadata host names by name, before resolving", () => {
  // A resolver that would answer anything with a public address: only the name can refuse these.
  const answersPublic = async (hostname: string) => {
    lookups.push(hostname);
    return [PUBLIC];
  };

  it.each(["http://metadata.google.internal/computeMetadata/v1/", "http://METADATA.Google.Internal./", "http://metadata/latest", "http://instance-data/latest/meta-data/", "https://metadata.azure.com/metadata/instance", "http://metadata.tencentyun.com/"])(
    "refuses %s without a DNS lookup or a dial",
    async (url) => {
      const error = await failure({ url }, createGuardedFetch({ resolve: answersPublic, connect: recordingConnect }));
      expect(error.code).toBe("SSRF_BLOCKED");
      expect(error.messageIn("en")).toContain("cloud metadata service");
      expect(error.messageIn("zh")).toContain("云服务器元数据服务");
      expect(lookups).toEqual([]);
      expect(dials).toEqual([]);
    },
  );

  it("refuses a redirect to metadata.google.internal without looking the name up", async () => {
    const error = await failure({ url: "http://public.test/redirect-gcp-metadata" }, createGuardedFetch({ resolve: answersPublic, connect: recordingConnect }));
    expect(error.code).toBe("SSRF_BLOCKED");
    expect(lookups).toEqual(["public.test"]);
    expect(dials.map((d) => d.address)).toEqual([PUBLIC]);
  });

  it("uses the provider check's list: a name refused for providers is refused here too", async () => {
    const { checkProviderUrl } = await import("@/lib/security/provider-url");
    for (const name of ["metadata.goog", "instance-data.ec2.internal", "metadata.platformequinix.com"]) {
      await expect(checkProviderUrl(`http://${name}/`, { resolve: answersPublic })).rejects.toMatchObject({ code: "PROVIDER_URL_BLOCKED" });
      expect((await failure({ url: `http://${name}/` }, createGuardedFetch({ resolve: answersPublic, connect: recordingConnect }))).code).toBe("SSRF_BLOCKED");
    }
    expect(lookups).toEqual([]);
  });
});
