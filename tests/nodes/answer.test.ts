import { describe, expect, it } from "vitest";
import { answer } from "@/nodes/answer";
import { fakeCtx } from "./fake-ctx";

describe("answer node", () => {
  it("passes text through and dedupes citations by id, keeping order", async () => {
    const citations = [
      { id: "b", text: "第二段" },
      { id: "a", text: "第一段" },
      { id: "b", text: "第二段（重复）" },
      { id: "c", text: "第三段" },
    ];
    const out = await answer.run({ config: answer.config.parse({}), inputs: { text: "答案", citations }, ctx: fakeCtx() });
    expect(out).toEqual({ text: "答案", citations: [citations[0], citations[1], citations[3]] });
  });

  it("answers with no citations when none are connected", async () => {
    expect(await answer.run({ config: {}, inputs: { text: "hi", citations: undefined }, ctx: fakeCtx() })).toEqual({ text: "hi", citations: [] });
  });

  it("is terminal and passes its text input through", () => {
    expect(answer.terminal).toBe(true);
    expect(answer.passthrough?.({})).toEqual({ text: "text" });
  });
});
