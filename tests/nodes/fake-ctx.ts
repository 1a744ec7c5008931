import type { NodeContext, RunInput } from "@/nodes/context";

export type FakeCtx = NodeContext & { tokens: string[] };

/**
 * A plain NodeContext for calling `def.run` directly. Services a test does not fake throw,
 * so a node that reaches for the model or the network unexpectedly fails loudly.
 * @example const ctx = fakeCtx({ locale: "zh", run: { variables: { 年龄: "30" } } });
 */
export function fakeCtx(overrides: Partial<Omit<NodeContext, "run">> & { run?: Partial<RunInput> } = {}): FakeCtx {
  const tokens: string[] = [];
  const { run, ...rest } = overrides;
  return {
    signal: new AbortController().signal,
    locale: "en",
    emitToken: (text) => tokens.push(text),
    chat: async () => {
      throw new Error("ctx.chat was not expected in this test");
    },
    fetch: async () => {
      throw new Error("ctx.fetch was not expected in this test");
    },
    ...rest,
    run: { message: "", history: [], variables: {}, ...run },
    tokens,
  };
}
