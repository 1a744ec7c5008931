import { describe, expect, it } from "vitest";
import { estimateTokens, historyFetchLimit, trimHistory } from "@/lib/bots/tokens";
import type { ChatMessage } from "@/nodes/ports";

const turn = (q: string, a: string): ChatMessage[] => [
  { role: "user", content: q },
  { role: "assistant", content: a },
];

describe("token estimate", () => {
  it.each([
    ["", 0],
    ["abcd", 1],
    ["hello world!", 3],
    ["你好世界", 4],
    ["退货 policy", 2 + 2],
  ])("%j ≈ %i tokens", (text, tokens) => expect(estimateTokens(text)).toBe(tokens));
});

describe("conversation memory", () => {
  const history = [...turn("q1", "a1"), ...turn("q2", "a2"), ...turn("q3", "a3")];

  it("keeps the last N turns, oldest first", () => {
    expect(trimHistory(history, { mode: "turns", turns: 2 }).map((m) => m.content)).toEqual(["q2", "a2", "q3", "a3"]);
    expect(trimHistory(history, { mode: "turns", turns: 0 })).toEqual([]);
    expect(historyFetchLimit({ mode: "turns", turns: 2 })).toBe(4);
  });

  it("keeps the newest messages that fit the token budget, starting at a question", () => {
    const long = [...turn("x".repeat(400), "y".repeat(400)), ...turn("short question", "short answer")];
    // 100 + 4 tokens for each long message; the short turn is 4 + 4 and 3 + 4.
    expect(trimHistory(long, { mode: "tokens", tokens: 50 }).map((m) => m.content)).toEqual(["short question", "short answer"]);
    // A budget that would cut a turn in half drops its answer's orphaned question instead of starting at an answer.
    expect(trimHistory(long, { mode: "tokens", tokens: 120 })[0].role).toBe("user");
    expect(trimHistory(long, { mode: "tokens", tokens: 10_000 })).toHaveLength(4);
  });

  it("counts Chinese characters one token each", () => {
    const zh = [...turn("退".repeat(30), "好".repeat(30)), ...turn("问", "答")];
    expect(trimHistory(zh, { mode: "tokens", tokens: 20 }).map((m) => m.content)).toEqual(["问", "答"]);
  });
});
