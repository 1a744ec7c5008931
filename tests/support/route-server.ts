import http from "node:http";
import type net from "node:net";

/**
 * A real HTTP server on 127.0.0.1 around App Router route handlers, for clients that must speak
 * HTTP (the official `openai` package, LangChain's ChatOpenAI): each request becomes a web
 * `Request`, the handler's `Response` body is written chunk by chunk as it is produced (so
 * streaming is observable), and a client that hangs up aborts the request's signal.
 * @example const server = await serveRoutes({ "/api/v1/openai/models": models });
 */
type Handler = (req: Request, segment: { params: Promise<Record<string, string>> }) => Promise<Response>;
export type RouteTable = Record<string, Record<string, Handler>>;

function match(pattern: string, pathname: string): Record<string, string> | null {
  const want = pattern.split("/");
  const got = pathname.split("/");
  if (want.length !== got.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    if (want[i].startsWith("[")) params[want[i].slice(1, -1)] = decodeURIComponent(got[i]);
    else if (want[i] !== got[i]) return null;
  }
  return params;
}

export async function serveRoutes(routes: RouteTable): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", `http://${req.headers.host}`);
    const found = Object.entries(routes)
      .map(([pattern, module]) => ({ module, params: match(pattern, url.pathname) }))
      .find((entry) => entry.params);
    const handler = found?.module[req.method ?? "GET"];
    if (!found || !handler) {
      res.writeHead(404).end();
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const abort = new AbortController();
    res.on("close", () => abort.abort());
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) if (typeof value === "string") headers.set(name, value);
    // What `next start` adds for route handlers: the client's address.
    if (!headers.has("x-forwarded-for")) headers.set("x-forwarded-for", req.socket.remoteAddress ?? "");
    const request = new Request(url, { method: req.method, headers, body: chunks.length ? Buffer.concat(chunks) : undefined, signal: abort.signal });
    const response = await handler(request, { params: Promise.resolve(found.params ?? {}) });
    res.writeHead(response.status, Object.fromEntries(response.headers.entries()));
    if (!response.body) {
      res.end();
      return;
    }
    const reader = response.body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        res.write(value);
      }
    } catch {
      // the client went away
    }
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
