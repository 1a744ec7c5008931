import { describe, expect, it } from "vitest";
import { portsOf } from "@/nodes/define";
import { getNodeDef, isNodeType, nodeRegistry, nodeTypes } from "@/nodes";

describe("node registry", () => {
  it.each(Object.entries(nodeRegistry))("key %s equals def.type", (key, def) => {
    expect(def.type).toBe(key);
  });

  it.each(Object.entries(nodeRegistry))("%s has English and Chinese labels and descriptions", (_key, def) => {
    for (const text of [def.ui.label, def.ui.description]) {
      expect(text.en.trim()).not.toBe("");
      expect(text.zh).toMatch(/[\u4e00-\u9fff]/);
    }
  });

  it("has exactly one entry node and at least one terminal node", () => {
    const defs = Object.values(nodeRegistry);
    expect(defs.filter((def) => "entry" in def && def.entry).map((def) => def.type)).toEqual(["start"]);
    expect(defs.filter((def) => "terminal" in def && def.terminal).map((def) => def.type)).toEqual(["answer"]);
  });

  it("names the llm's stream port among its outputs", () => {
    const { outputs } = portsOf(nodeRegistry.llm, nodeRegistry.llm.config.parse({}));
    expect(Object.keys(outputs)).toContain(nodeRegistry.llm.streamPort);
  });

  it("looks types up safely", () => {
    expect(nodeTypes).toContain("http-request");
    expect(getNodeDef("answer")?.terminal).toBe(true);
    expect(getNodeDef("toString")).toBeUndefined();
    expect(getNodeDef("nope")).toBeUndefined();
    expect(isNodeType("__proto__")).toBe(false);
  });

  it.each(Object.entries(nodeRegistry))("%s settings survive a JSON round trip (stored in the flow document)", (_key, def) => {
    const sample = def.type === "http-request" ? { url: "https://example.com" } : {};
    const parsed = def.config.parse(sample);
    expect(def.config.parse(JSON.parse(JSON.stringify(parsed)))).toEqual(parsed);
  });
});
