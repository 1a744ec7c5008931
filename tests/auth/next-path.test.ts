import { describe, expect, it } from "vitest";
import { safeNextPath } from "@/app/(auth)/login/next-path";

describe("safeNextPath (where the login page sends someone back to)", () => {
  it.each([
    ["/flows/abc", "/flows/abc"],
    ["/knowledge/kb1/retrieval?q=1#top", "/knowledge/kb1/retrieval?q=1#top"],
    ["/settings/../settings/members", "/settings/members"],
    ["/", "/"],
  ])("keeps the same-site path %s", (next, expected) => {
    expect(safeNextPath(next)).toBe(expected);
  });

  it.each([
    ["//evil.example/x"],
    ["/\\evil.example"],
    ["/\t/evil.example"],
    ["/\n/evil.example"],
    ["https://evil.example/"],
    ["javascript:alert(1)"],
    ["flows/abc"],
    [""],
    ["/login"],
    ["/login?next=/x"],
    ["/setup"],
  ])("sends %j to the start page instead", (next) => {
    expect(safeNextPath(next)).toBe("/");
  });

  it.each([[undefined], [null], [["/a", "/b"]]])("ignores a missing or repeated parameter (%j)", (next) => {
    expect(safeNextPath(next)).toBe("/");
  });

  it("keeps pages whose name only starts like login", () => {
    expect(safeNextPath("/login-help")).toBe("/login-help");
  });
});
