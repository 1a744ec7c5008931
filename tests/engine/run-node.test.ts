import { describe, expect, it } from "vitest";
import { runSingleNode, type SingleNodeOptions, type SingleNodeResult } from "@/lib/engine/run-node";
import type { EngineServices } from "@/lib/engine/types";
import { nodeRegistry } from "@/nodes";
import { createProbe, testRegistry } from "./test-registry";
import { makeNode, unusedServices } from "./factories";

function options(overrides: Partial<SingleNodeOptions> = {}): SingleNodeOptions {
  return { registry: nodeRegistry, services: unusedServices, input: { message: "", history: [], variables: {} }, locale: "en", ...overrides };
}

function ok(result: SingleNodeResult) {
  if ("error" in result) throw new Error(`expected outputs, got ${result.error.code}: ${result.error.message}`);
  return result;
}

function failed(result: SingleNodeResult) {
  if (!("error" in result)) throw new Error(`expected an error, got ${JSON.stringify(result.outputs)}`);
  return result.error;
}

describe("runSingleNode with the real nodes", () => {
  it("fills a prompt template from sample inputs, Chinese variable names included", async () => {
    const node = makeNode("p", "prompt", { template: "问题：{{问题}}\n背景：{{context}}" });
    const result = ok(await runSingleNode(node, { 问题: "退款要多久？", context: "七天内到账" }, options()));
    expect(result.outputs).toEqual({ prompt: "问题：退款要多久？\n背景：七天内到账" });
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
  });

  it("applies the settings schema's defaults (prompt without settings is {{message}})", async () => {
    const result = ok(await runSingleNode(makeNode("p", "prompt", {}), { message: "hi" }, options()));
    expect(result.outputs.prompt).toBe("hi");
  });

  it("takes the condition branch whose rule matches and leaves the others out", async () => {
    const data = { branches: [{ id: "refund", rules: [{ operator: "contains", value: "退款" }] }] };
    const taken = ok(await runSingleNode(makeNode("c", "condition", data), { input: "我要退款" }, options()));
    expect(taken.outputs).toEqual({ refund: "我要退款" });
    const other = ok(await runSingleNode(makeNode("c", "condition", data), { input: "hello" }, options()));
    expect(other.outputs).toEqual({ else: "hello" });
  });

  it("merges with the template node and ends with the answer node", async () => {
    const merged = ok(await runSingleNode(makeNode("t", "template", { mode: "first-non-empty", inputs: ["a", "b"] }), { b: "来自 B" }, options()));
    expect(merged.outputs).toEqual({ text: "来自 B" });
    const answer = ok(await runSingleNode(makeNode("a", "answer"), { text: "你好" }, options()));
    expect(answer.outputs).toEqual({ text: "你好", citations: [] });
  });

  it("converts sample values the way edges do: a JSON array of passages becomes a numbered context block", async () => {
    const docs = JSON.stringify([{ id: "d1", text: "北京是首都。" }, { id: "d2", text: "上海是港口。" }]);
    const result = ok(await runSingleNode(makeNode("p", "prompt", { template: "{{ctx}}" }), { ctx: JSON.parse(docs) }, options()));
    expect(result.outputs.prompt).toBe("[1] 北京是首都。\n\n[2] 上海是港口。");
  });

  it("collects the tokens an LLM node streams, using the services it is given", async () => {
    const services: EngineServices = {
      ...unusedServices,
      chat: async (request) => {
        for (const piece of ["你", "好"]) request.onToken?.(piece);
        return { text: `echo:${request.messages.at(-1)?.content}`, model: "m", provider: request.provider };
      },
    };
    const result = ok(await runSingleNode(makeNode("l", "llm", {}), { prompt: "天气？" }, options({ services })));
    expect(result.tokens).toEqual(["你", "好"]);
    expect(result.outputs.text).toBe("echo:天气？");
  });

  it("refuses invalid settings with the field named, in Chinese", async () => {
    const error = failed(await runSingleNode(makeNode("l", "llm", { temperature: 5 }), { prompt: "x" }, options({ locale: "zh" })));
    expect(error.code).toBe("INVALID_SETTINGS");
    expect(error.message).toContain("温度");
  });

  it("asks for a required input that has no sample value", async () => {
    const error = failed(await runSingleNode(makeNode("a", "answer"), {}, options()));
    expect(error).toMatchObject({ code: "INPUT_MISSING", nodeId: "a" });
    expect(error.message).toContain("Text");
  });

  it("refuses a sample value of a kind the input cannot take", async () => {
    const error = failed(await runSingleNode(makeNode("l", "llm", {}), { prompt: "x", history: "[1, 2]" }, options()));
    expect(error.code).toBe("INPUT_KIND_MISMATCH");
  });

  it("reports an unknown node type", async () => {
    const error = failed(await runSingleNode(makeNode("x", "teleport"), {}, options()));
    expect(error.code).toBe("UNKNOWN_NODE_TYPE");
  });

  it("reports the node's own failure with its name, in the caller's language", async () => {
    const error = failed(await runSingleNode(makeNode("l", "llm", {}, { label: "客服模型" }), { prompt: "   " }, options({ locale: "zh" })));
    expect(error.code).toBe("LLM_EMPTY_PROMPT");
    expect(error.message).toContain("客服模型");
    expect(error.message).toContain("提示词为空");
  });
});

describe("runSingleNode limits", () => {
  it("stops a node that runs past its timeout and aborts its signal", async () => {
    const probe = createProbe();
    const registry = testRegistry(probe);
    const node = makeNode("d", "delay", { ms: 5_000, tag: "slow" });
    const result = await runSingleNode(node, { text: "x" }, options({ registry, timeoutMs: 50 }));
    expect(failed(result).code).toBe("NODE_TIMEOUT");
    expect(result.durationMs).toBeLessThan(2_000);
    expect(probe.aborted).toEqual([{ nodeId: "slow", reason: "NODE_TIMEOUT" }]);
  });

  it("honours cancellation from the caller", async () => {
    const probe = createProbe();
    const controller = new AbortController();
    const pending = runSingleNode(makeNode("d", "delay", { ms: 5_000 }), {}, options({ registry: testRegistry(probe), signal: controller.signal }));
    setTimeout(() => controller.abort(), 20);
    expect(failed(await pending).code).toBe("CANCELLED");
    expect(probe.aborted.map((a) => a.reason)).toEqual(["CANCELLED"]);
  });

  it("turns a thrown plain error into NODE_FAILED", async () => {
    const error = failed(await runSingleNode(makeNode("f", "fail", { message: "boom" }), {}, options({ registry: testRegistry() })));
    expect(error.code).toBe("NODE_FAILED");
    expect(error.message).toContain("boom");
  });
});
