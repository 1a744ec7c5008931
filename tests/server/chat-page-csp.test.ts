import { describe, expect, it } from "vitest";
import { chatPageCsp, chatPageOf } from "@/lib/server/chat-page-csp";

const directive = (csp: string, name: string) => csp.split("; ").find((d) => d.startsWith(`${name} `));

describe("the chat pages' CSP (C16, C17)", () => {
  it("C16 allows scripts only with the response's nonce, images and connections only from Trellis", () => {
    const csp = chatPageCsp({ nonce: "bm9uY2U=", frameAncestors: [] });
    expect(directive(csp, "script-src")).toBe("script-src 'self' 'nonce-bm9uY2U=' 'strict-dynamic'");
    expect(directive(csp, "img-src")).toBe("img-src 'self'");
    expect(directive(csp, "connect-src")).toBe("connect-src 'self'");
    expect(directive(csp, "frame-src")).toBe("frame-src 'none'");
    expect(directive(csp, "object-src")).toBe("object-src 'none'");
    expect(csp).not.toContain("unsafe-eval");
  });

  it("C17 is unframeable without allowed sites, and framed only by them with", () => {
    expect(directive(chatPageCsp({ nonce: "n", frameAncestors: [] }), "frame-ancestors")).toBe("frame-ancestors 'none'");
    expect(directive(chatPageCsp({ nonce: "n", frameAncestors: ["https://shop.example", "http://localhost:4000"] }), "frame-ancestors")).toBe("frame-ancestors https://shop.example http://localhost:4000");
  });

  it.each(["https://a.example; script-src *", "*", "https://*.example", "https://a.example/path", "javascript:alert(1)", "'self'", "https://a.example\r\nX-Evil: 1"])(
    "C17 drops %j, which is not an exact origin, instead of writing it into the header",
    (bad) => {
      const csp = chatPageCsp({ nonce: "n", frameAncestors: [bad, "https://ok.example"] });
      expect(directive(csp, "frame-ancestors")).toBe("frame-ancestors https://ok.example");
      expect(csp.split("; ").filter((d) => d.startsWith("script-src"))).toHaveLength(1);
    },
  );

  it("recognises the two chat pages and nothing else", () => {
    expect(chatPageOf("/c/k3J9xq2LmP0a")).toEqual({ kind: "page", slug: "k3J9xq2LmP0a" });
    expect(chatPageOf("/embed/k3J9xq2LmP0a/")).toEqual({ kind: "embed", slug: "k3J9xq2LmP0a" });
    for (const other of ["/c", "/c/", "/c/a/b", "/embed/a.b", "/chat/x", "/api/v1/public/bots/x"]) expect(chatPageOf(other), other).toBeNull();
  });
});
