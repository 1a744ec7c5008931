import { describe, expect, it } from "vitest";
import { deriveFields, initialConfig, isShown, newRow, typedEntry, withoutBlankEntry } from "@/lib/canvas/schema-form";
import { nodeRegistry } from "@/nodes";

const byKey = (type: keyof typeof nodeRegistry) => Object.fromEntries(deriveFields(nodeRegistry[type].config).map((f) => [f.key, f]));

describe("settings forms derived from the real node schemas", () => {
  it("gives the LLM provider and model pickers, a prompt editor and bounded numbers", () => {
    const f = byKey("llm");
    expect(Object.keys(f)).toEqual(["provider", "model", "systemPrompt", "temperature", "maxTokens"]);
    expect(f.provider.kind).toBe("provider");
    expect(f.model.kind).toBe("model");
    expect(f.systemPrompt.kind).toBe("textarea");
    expect(f.temperature).toMatchObject({ kind: "number", min: 0, max: 2, step: 0.1, integer: false, defaultValue: 0.7 });
    expect(f.maxTokens).toMatchObject({ kind: "number", min: 1, max: 32_768, integer: true, step: 1 });
    expect(f.temperature.label).toEqual({ en: "Temperature", zh: "温度" });
  });

  it("turns enums into selects with their localized option labels", () => {
    const f = byKey("http-request");
    expect(f.method.options?.map((o) => o.value)).toEqual(["GET", "POST", "PUT", "PATCH", "DELETE"]);
    expect(f.bodyFormat.options?.find((o) => o.value === "json")?.label.zh).toBe("JSON（值按 JSON 字符串转义）");
    expect(f.url).toMatchObject({ kind: "text", optional: false });
    expect(f.url.defaultValue).toBeUndefined();
    expect(f.headers.kind).toBe("list");
    expect(f.headers.itemFields?.map((i) => i.key)).toEqual(["name", "value"]);
  });

  it("renders condition branches as nested lists of rows with their bounds", () => {
    const f = byKey("condition");
    expect(f.branches).toMatchObject({ kind: "list", minItems: 1, maxItems: 20 });
    const rules = f.branches.itemFields?.find((i) => i.key === "rules");
    expect(rules).toMatchObject({ kind: "list", minItems: 1, maxItems: 50 });
    expect(rules?.itemFields?.find((i) => i.key === "operator")?.options?.find((o) => o.value === "gte")?.label.zh).toBe("大于等于");
    expect(f.branches.itemFields?.find((i) => i.key === "label")?.optional).toBe(true);
  });

  it("shows the template text only in template mode (meta.showWhen)", () => {
    const f = byKey("template");
    expect(f.inputs.kind).toBe("string-list");
    expect(isShown(f.template, { mode: "first-non-empty" })).toBe(false);
    expect(isShown(f.template, { mode: "template" })).toBe(true);
  });

  it("gives start variables switches, selects and a free value", () => {
    const variables = byKey("start").variables;
    const item = Object.fromEntries((variables.itemFields ?? []).map((i) => [i.key, i.kind]));
    expect(item).toEqual({ name: "text", label: "text", type: "select", required: "switch", default: "text" });
  });

  it("fills a new node with its defaults, leaving out what the person must choose", () => {
    expect(initialConfig(nodeRegistry.llm.config)).toEqual({ provider: "default", model: "", systemPrompt: "", temperature: 0.7, maxTokens: 1024 });
    const http = initialConfig(nodeRegistry["http-request"].config);
    expect(http).not.toHaveProperty("url");
    expect(nodeRegistry["http-request"].config.safeParse(http).success).toBe(false);
    expect(nodeRegistry.condition.config.safeParse(initialConfig(nodeRegistry.condition.config)).success).toBe(true);
  });

  it("adds rows that are valid as they come (a new branch gets a free id and one rule)", () => {
    const branches = byKey("condition").branches;
    const existing = [{ id: "case_2" }];
    const row = newRow(branches, existing);
    expect(row.id).toBe("case_3");
    expect(row.rules).toEqual([{ path: "", operator: "equals", value: "" }]);
    const config = { branches: [...(nodeRegistry.condition.config.parse({}).branches), row] };
    expect(nodeRegistry.condition.config.safeParse(config).success).toBe(true);
  });
});

describe("string lists (the retriever's document tags, template input names)", () => {
  const retriever = () => nodeRegistry.retriever.config.parse({ knowledgeBaseIds: ["kb1"] });

  it("are string-list fields on the retriever and the template node", () => {
    expect(byKey("retriever").tags).toMatchObject({ kind: "string-list", defaultValue: [] });
    expect(byKey("template").inputs).toMatchObject({ kind: "string-list", minItems: 1 });
  });

  it("keep a new row out of the settings until something is typed into it", () => {
    const tags = retriever().tags;
    // "+ add" then leaving the row empty: the settings never change (no placeholder tag is saved).
    expect(typedEntry(tags, tags.length, "")).toBeNull();
    const typed = typedEntry(tags, tags.length, "人");
    expect(typed).toEqual(["人"]);
    expect(typedEntry(typed!, 1, "事")).toEqual(["人", "事"]);
    expect(typedEntry(["人", "事"], 0, "人事")).toEqual(["人事", "事"]);
    expect(nodeRegistry.retriever.config.safeParse({ ...retriever(), tags: typedEntry(["人事"], 1, "2024") }).success).toBe(true);
  });

  it("drop a row left empty or blank, but not below the list's minimum", () => {
    expect(withoutBlankEntry(["合同", ""], 1)).toEqual(["合同"]);
    expect(withoutBlankEntry(["", "合同"], 0)).toEqual(["合同"]);
    expect(withoutBlankEntry(["合同", "  "], 1)).toEqual(["合同"]);
    expect(withoutBlankEntry(["合同", "人事"], 1)).toBeNull();
    // A template needs one input: its last row stays, and the checklist asks for a name.
    expect(withoutBlankEntry([""], 0, byKey("template").inputs.minItems)).toBeNull();
    // A tag typed then erased is saved as nothing, and the flow is valid again.
    const erasing = typedEntry(["合同", "人"], 1, "");
    expect(erasing).toEqual(["合同", ""]);
    const erased = withoutBlankEntry(erasing!, 1);
    expect(erased).toEqual(["合同"]);
    expect(nodeRegistry.retriever.config.safeParse({ ...retriever(), tags: erased }).success).toBe(true);
    expect(nodeRegistry.retriever.config.safeParse({ ...retriever(), tags: ["合同", ""] }).success).toBe(false);
  });
});

describe("the retriever's knowledge-base field", () => {
  it("is a multi-select knowledge-base picker when the retriever node is registered", () => {
    const def = (nodeRegistry as Record<string, (typeof nodeRegistry)[keyof typeof nodeRegistry]>).retriever;
    if (!def) return;
    const field = deriveFields(def.config).find((f) => f.key === "knowledgeBaseIds");
    expect(field).toMatchObject({ kind: "knowledge-base", multiple: true });
  });
});
