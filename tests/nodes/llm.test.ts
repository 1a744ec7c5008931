import { describe, expect, it } from "vitest";
import { isAppError } from "@/lib/errors";
import type { ChatRequest } from "@/nodes/context";
import { llm } from "@/nodes/llm";
import { fakeCtx } from "./fake-ctx";

const docs = [{ id: "d1", text: "长城位于北京。" }];

function recordingChat(result: { text: string; citations?: typeof docs }) {
  const calls: ChatRequest[] = [];
  const chat = async (request: ChatRequest) => {
    calls.push(request);
    for (const piece of ["长城", "在", "北京"]) request.onToken?.(piece);
    return { ...result, model: "qwen2.5", provider: "ollama" };
  };
  return { calls, chat };
}

describe("llm node", () => {
  it("applies defaults", () => {
    expect(llm.config.parse({})).toEqual({ provider: "default", model: "", systemPrompt: "", temperature: 0.7, maxTokens: 1024 });
  });

  it.each([{ temperature: -0.1 }, { temperature: 2.1 }, { maxTokens: 0 }, { maxTokens: 32_769 }, { maxTokens: 1.5 }, { provider: "" }])("rejects %o", (bad) => {
    expect(() => llm.config.parse(bad)).toThrow();
  });

  it("builds system + history + user messages and streams tokens through emitToken", async () => {
    const { calls, chat } = recordingChat({ text: "长城在北京" });
    const ctx = fakeCtx({ chat, run: { message: "长城在哪？" } });
    const config = llm.config.parse({ systemPrompt: "你是导游。", temperature: 0.2, maxTokens: 200, model: "qwen2.5:7b" });
    const history = [
      { role: "user" as const, content: "你好" },
      { role: "assistant" as const, content: "你好！" },
    ];
    const out = await llm.run({ config, inputs: { prompt: "长城在哪？", history, documents: docs }, ctx });

    expect(out).toEqual({ text: "长城在北京", citations: docs });
    expect(ctx.tokens).toEqual(["长城", "在", "北京"]);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({
      provider: "default",
      model: "qwen2.5:7b",
      temperature: 0.2,
      maxTokens: 200,
      question: "长城在哪？",
      documents: docs,
      signal: ctx.signal,
      messages: [{ role: "system", content: "你是导游。" }, ...history, { role: "user", content: "长城在哪？" }],
    });
  });

  it("omits an empty system prompt and prefers the provider's citations", async () => {
    const cited = [{ id: "c9", text: "引用" }];
    const { calls, chat } = recordingChat({ text: "答", citations: cited });
    const out = await llm.run({ config: llm.config.parse({}), inputs: { prompt: "问", history: undefined, documents: undefined }, ctx: fakeCtx({ chat }) });
    expect(calls[0].messages).toEqual([{ role: "user", content: "问" }]);
    expect(calls[0].model).toBeUndefined();
    expect(out.citations).toEqual(cited);
  });

  it("has no citations when nothing was retrieved", async () => {
    const { chat } = recordingChat({ text: "答" });
    expect((await llm.run({ config: llm.config.parse({}), inputs: { prompt: "问", history: undefined, documents: undefined }, ctx: fakeCtx({ chat }) })).citations).toEqual([]);
  });

  it("refuses an empty prompt before calling the model", async () => {
    const { calls, chat } = recordingChat({ text: "" });
    const error = await llm.run({ config: llm.config.parse({}), inputs: { prompt: "  ", history: undefined, documents: undefined }, ctx: fakeCtx({ chat }) }).catch((e: unknown) => e);
    expect(isAppError(error) && error.code).toBe("LLM_EMPTY_PROMPT");
    expect(isAppError(error) && error.messageIn("zh")).toContain("提示词为空");
    expect(calls).toHaveLength(0);
  });
});
