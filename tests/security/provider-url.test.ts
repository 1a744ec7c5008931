import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { isAppError, type AppError } from "@/lib/errors";
import { checkProviderUrl, type Resolver } from "@/lib/security/provider-url";
import { appSession } from "../support/app-session";

/** A resolver from a fixed table: no real DNS. Unknown names fail like NXDOMAIN. */
function table(entries: Record<string, string[]>): Resolver & { calls: string[] } {
  const calls: string[] = [];
  const resolve = async (hostname: string) => {
    calls.push(hostname);
    const found = entries[hostname];
    if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: "ENOTFOUND" });
    return found;
  };
  return Object.assign(resolve, { calls });
}

const noDns = table({});

async function refusal(url: string, resolve: Resolver = noDns): Promise<AppError> {
  const error = await checkProviderUrl(url, { resolve }).then(() => null, (e: unknown) => e);
  if (!isAppError(error)) throw new Error(`expected ${url} to be refused, got ${String(error)}`);
  return error;
}

describe("C12 provider URLs: cloud metadata and link-local are always refused", () => {
  it.each([
    "http://169.254.169.254/latest/meta-data/",
    "http://169.254.169.254",
    "http://[::ffff:169.254.169.254]",
    "http://[::ffff:a9fe:a9fe]/",
    "http://[64:ff9b::a9fe:a9fe]/",
    "http://[2002:a9fe:a9fe::1]/",
    "http://[fd00:ec2::254]/",
    "http://[fd00:ec2::254]:80/latest/api/token",
    "http://169.254.170.2/v2/credentials",
    "http://169.254.10.10:11434",
    "http://100.100.100.200/latest/meta-data/",
    "http://[::ffff:100.100.100.200]/",
    "http://168.63.129.16/machine",
    "http://[fe80::1]:11434",
    "http://0xa9fea9fe/",
    "http://2852039166/",
  ])("C12 refuses %s without a DNS lookup", async (url) => {
    const resolve = table({});
    const error = await refusal(url, resolve);
    expect(error.code).toBe("PROVIDER_URL_BLOCKED");
    expect(error.status).toBe(400);
    expect(resolve.calls).toEqual([]);
  });

  it.each(["http://metadata.google.internal/computeMetadata/v1/", "http://metadata.google.internal./", "http://METADATA.goog", "http://instance-data/latest"])("C12 refuses the metadata name %s", async (url) => {
    const resolve = table({});
    expect((await refusal(url, resolve)).code).toBe("PROVIDER_URL_BLOCKED");
    expect(resolve.calls).toEqual([]);
  });

  it("C12 refuses a name that resolves to a metadata address, even next to a public one", async () => {
    const resolve = table({ "models.evil.example": ["93.184.216.34", "169.254.169.254"], "v6.evil.example": ["2606:4700::1", "fd00:ec2::254"] });
    const first = await refusal("https://models.evil.example/v1", resolve);
    expect(first.code).toBe("PROVIDER_URL_BLOCKED");
    expect(first.message).toContain("models.evil.example (169.254.169.254)");
    expect((await refusal("https://v6.evil.example/v1", resolve)).code).toBe("PROVIDER_URL_BLOCKED");
  });

  it.each(["file:///etc/passwd", "gopher://127.0.0.1:11434/_GET", "ftp://10.0.0.5/", "javascript:alert(1)"])("C12 refuses the scheme of %s", async (url) => {
    expect((await refusal(url)).code).toBe("PROVIDER_URL_BLOCKED");
  });

  it.each(["http://224.0.0.1/", "http://0.0.0.0:11434", "http://255.255.255.255/", "http://[ff02::1]/", "http://192.0.2.10/"])("C12 refuses the special-purpose address %s", async (url) => {
    expect((await refusal(url)).code).toBe("PROVIDER_URL_BLOCKED");
  });

  it("C12 explains the refusal in English and Chinese", async () => {
    const error = await refusal("http://169.254.169.254/latest/meta-data/");
    expect(error.messageIn("en")).toMatch(/169\.254\.169\.254 is a cloud metadata service.*never on cloud metadata or link-local/);
    expect(error.messageIn("zh")).toMatch(/已拒绝模型服务地址.*云服务器元数据服务/);
  });

  it("refuses credentials in the URL, malformed URLs and unknown hosts clearly", async () => {
    expect((await refusal("http://user:sk-123@10.0.0.5:8000/v1")).code).toBe("PROVIDER_URL_INVALID");
    expect((await refusal("not a url")).code).toBe("PROVIDER_URL_INVALID");
    const unknown = await refusal("http://gpu-box.lan:8000/v1");
    expect(unknown.code).toBe("PROVIDER_URL_UNRESOLVED");
    expect(unknown.messageIn("zh")).toContain("找不到主机 gpu-box.lan");
  });

  it("gives up on a DNS lookup that hangs", async () => {
    const hang: Resolver = () => new Promise(() => undefined);
    const error = await checkProviderUrl("http://slow.example/v1", { resolve: hang, timeoutMs: 30 }).catch((e: AppError) => e);
    expect((error as AppError).code).toBe("PROVIDER_URL_UNRESOLVED");
  });
});

describe("C12 provider URLs: the explicit allowance for the owner's own model server", () => {
  it.each([
    "http://127.0.0.1:11434",
    "http://[::1]:11434",
    "http://[::ffff:127.0.0.1]:11434",
    "http://0x7f000001:11434",
    "http://2130706433:11434",
    "http://017700000001:11434",
    "http://10.0.0.5:8000/v1",
    "http://192.168.1.20:11434",
    "http://172.16.4.2:8080",
    "http://100.64.0.1:11434",
    "http://[fd12:3456::10]:8000/v1",
  ])("C12 allows the owner's model server at %s (loopback, LAN, Tailscale)", async (url) => {
    const resolve = vi.fn<Resolver>(async () => []);
    await expect(checkProviderUrl(url, { resolve })).resolves.toBeInstanceOf(URL);
    expect(resolve).not.toHaveBeenCalled();
  });

  it("C12 allows names that resolve to loopback, the LAN or the public internet", async () => {
    const resolve = table({ "localhost.": ["127.0.0.1", "::1"], "vllm.lan": ["192.168.1.30"], "api.openai.com": ["162.159.140.245", "2606:4700::6812:1"] });
    for (const url of ["http://localhost.:11434", "http://vllm.lan:8000/v1", "https://api.openai.com/v1"]) {
      await expect(checkProviderUrl(url, { resolve })).resolves.toBeInstanceOf(URL);
    }
    expect(resolve.calls).toEqual(["localhost.", "vllm.lan", "api.openai.com"]);
  });
});

describe("C12 provider routes check base URLs before storing or calling them", () => {
  let session: Awaited<ReturnType<typeof appSession>>;
  beforeAll(async () => {
    session = await appSession();
  });
  afterAll(() => session?.dispose());
  const post = (body: unknown) => session.request("http://127.0.0.1/api/v1/providers", { method: "POST", headers: { "content-type": "application/json", "accept-language": "zh-CN" }, body: JSON.stringify(body) });

  it("C12 create, update and test refuse a metadata base URL with 400, in the caller's language", async () => {
    const [{ POST: create }, { PATCH: update }, { POST: test }] = await Promise.all([
      import("@/app/api/v1/providers/route"),
      import("@/app/api/v1/providers/[providerId]/route"),
      import("@/app/api/v1/providers/test/route"),
    ]);
    const body = { kind: "openai", name: "元数据", baseUrl: "http://169.254.169.254/latest/meta-data/", apiKey: "sk-x" };
    const responses = await Promise.all([
      create(post(body), { params: Promise.resolve({}) }),
      update(post({ baseUrl: "http://[fd00:ec2::254]/" }), { params: Promise.resolve({ providerId: "p1" }) }),
      test(post(body), { params: Promise.resolve({}) }),
    ]);
    for (const res of responses) {
      expect(res.status).toBe(400);
      const json = (await res.json()) as { error: { code: string; message: string } };
      expect(json.error.code).toBe("PROVIDER_URL_BLOCKED");
      expect(json.error.message).toContain("已拒绝模型服务地址");
    }
  });
});
