import { describe, expect, it } from "vitest";
import { z } from "zod";
import type { FlowDocument } from "@/lib/flow/schema";
import { validateFlow, type FlowProblem } from "@/lib/flow/validate";
import { defineNode } from "@/nodes/define";
import manyProblems from "../fixtures/flows/invalid-many-problems.json";
import linearFixture from "../fixtures/flows/linear-echo.json";
import { makeEdge, makeFlow, makeNode } from "../engine/factories";
import { testRegistry } from "../engine/test-registry";

const registry = testRegistry();
const chinese = /[\u4e00-\u9fff]/;
const start = makeNode("start", "start");
const answer = makeNode("answer", "answer");
const toAnswer = makeEdge("start.message", "answer.text");

function problemsOf(doc: unknown, locale: "en" | "zh" = "en"): FlowProblem[] {
  const result = validateFlow(doc, registry, locale);
  if (result.ok) throw new Error("expected problems, the flow was accepted");
  return result.problems;
}

describe("validateFlow", () => {
  //   [start] --> [echo "复述"] --> [answer]
  it("accepts a valid flow and returns it parsed", () => {
    // ACT
    const result = validateFlow(linearFixture, registry, "zh");
    // ASSERT
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.flow.nodes.map((n) => n.id)).toEqual(["start", "echo", "answer"]);
  });

  it.each([
    { name: "not an object", doc: null, field: "" },
    { name: "wrong schema version", doc: { schemaVersion: 2, nodes: [], edges: [] }, field: "schemaVersion" },
    { name: "nodes not a list", doc: { schemaVersion: 1, nodes: "x", edges: [] }, field: "nodes" },
  ])("reports an unreadable document ($name) without throwing", ({ doc, field }) => {
    // ACT
    const problems = problemsOf(doc, "zh");
    // ASSERT
    expect(problems[0]).toMatchObject({ code: "invalid-document", field });
    expect(problems[0].message).toMatch(chinese);
  });

  // Each row: one flow with exactly one thing wrong (plus what that one thing implies).
  it.each<{ problem: string; doc: FlowDocument; expected: Partial<FlowProblem>; en: RegExp }>([
    {
      problem: "duplicate-node-id",
      doc: makeFlow([start, answer, makeNode("answer", "echo", {}, { label: "Copy" })], [toAnswer]),
      expected: { code: "duplicate-node-id", nodeId: "answer" }, en: /"answer".*"Copy"/,
    },
    {
      problem: "unknown-node-type",
      doc: makeFlow([start, answer, makeNode("x", "teleporter")], [toAnswer]),
      expected: { code: "unknown-node-type", nodeId: "x" }, en: /"teleporter"/,
    },
    {
      problem: "edge-source-missing",
      doc: makeFlow([start, answer], [toAnswer, makeEdge("ghost.text", "answer.citations", "bad")]),
      expected: { code: "edge-source-missing", edgeId: "bad" }, en: /"ghost"/,
    },
    {
      problem: "edge-target-missing",
      doc: makeFlow([start, answer], [toAnswer, makeEdge("start.message", "ghost.text", "bad")]),
      expected: { code: "edge-target-missing", edgeId: "bad" }, en: /"ghost"/,
    },
    {
      problem: "missing-output-port",
      doc: makeFlow([start, answer], [toAnswer, makeEdge("start.nope", "answer.citations", "bad")]),
      expected: { code: "missing-output-port", edgeId: "bad", nodeId: "start", port: "nope" }, en: /"Start" has no output called "nope"/,
    },
    {
      problem: "missing-input-port",
      doc: makeFlow([start, answer], [toAnswer, makeEdge("start.message", "answer.nope", "bad")]),
      expected: { code: "missing-input-port", edgeId: "bad", nodeId: "answer", port: "nope" }, en: /"Answer" has no input called "nope"/,
    },
    {
      problem: "port-kind-mismatch",
      doc: makeFlow([start, makeNode("ret", "settings", { name: "kb" }), makeNode("echo", "echo"), answer], [
        makeEdge("start.message", "ret.query"), makeEdge("ret.messages", "echo.text", "bad"), makeEdge("echo.text", "answer.text"),
      ]),
      expected: { code: "port-kind-mismatch", edgeId: "bad", nodeId: "echo", port: "text" }, en: /gives chat messages.*needs text/,
    },
    {
      problem: "multiple-input-edges",
      doc: makeFlow([start, makeNode("echo", "echo"), answer], [makeEdge("start.message", "echo.text"), toAnswer, makeEdge("echo.text", "answer.text")]),
      expected: { code: "multiple-input-edges", nodeId: "answer", port: "text" }, en: /2 connections/,
    },
    {
      problem: "cycle",
      doc: makeFlow([start, makeNode("a", "echo", {}, { label: "Loop A" }), makeNode("b", "echo", {}, { label: "Loop B" }), answer], [
        toAnswer, makeEdge("start.message", "a.text"), makeEdge("b.text", "a.text"), makeEdge("a.text", "b.text"),
      ]),
      expected: { code: "cycle", nodeIds: ["a", "b"] }, en: /"?Loop A → Loop B → Loop A/,
    },
    {
      problem: "required-input-missing",
      doc: makeFlow([start, makeNode("up", "upper"), makeNode("join", "join"), answer], [
        makeEdge("start.message", "join.a"), makeEdge("up.text", "join.b"), makeEdge("join.text", "answer.text"),
      ]),
      expected: { code: "required-input-missing", nodeId: "up", port: "text" }, en: /input "text" of "Upper case" must be connected/,
    },
    {
      problem: "required-input-missing (port from settings)",
      doc: makeFlow([start, makeNode("tpl", "template", { variables: ["topic", "tone"] }), answer], [
        makeEdge("start.message", "tpl.topic"), makeEdge("tpl.text", "answer.text"),
      ]),
      expected: { code: "required-input-missing", nodeId: "tpl", port: "tone" }, en: /"tone" of "Template"/,
    },
    { problem: "no-start", doc: makeFlow([makeNode("e", "emit", { kind: "text", value: "hi" }), answer], [makeEdge("e.value", "answer.text")]), expected: { code: "no-start" }, en: /no start node/ },
    {
      problem: "multiple-starts",
      doc: makeFlow([start, makeNode("start2", "start", {}, { label: "Second door" }), answer], [toAnswer]),
      expected: { code: "multiple-starts", nodeId: "start2" }, en: /"Second door"/,
    },
    { problem: "no-answer", doc: makeFlow([start], []), expected: { code: "no-answer" }, en: /no answer node/ },
    {
      problem: "answer-unreachable",
      doc: makeFlow([start, answer, makeNode("e", "emit", { kind: "text", value: "hi" }), makeNode("lonely", "answer", {}, { label: "Island" })], [
        toAnswer, makeEdge("e.value", "lonely.text"),
      ]),
      expected: { code: "answer-unreachable", nodeId: "lonely" }, en: /"Island" can never be reached/,
    },
  ])("reports $problem", ({ doc, expected, en }) => {
    // ACT
    const inEnglish = problemsOf(doc, "en");
    const inChinese = problemsOf(doc, "zh");
    // ASSERT
    const found = inEnglish.find((p) => p.code === expected.code);
    expect(found).toMatchObject(expected);
    expect(found?.message).toMatch(en);
    expect(inChinese.find((p) => p.code === expected.code)?.message).toMatch(chinese);
    expect(inEnglish.filter((p) => p.code !== "invalid-setting").length).toBeLessThanOrEqual(2);
  });
});

describe("validateFlow: settings", () => {
  function settingProblems(data: Record<string, unknown>, locale: "en" | "zh") {
    const doc = makeFlow([start, makeNode("ret", "settings", data, { label: "手册检索" }), answer], [
      toAnswer, makeEdge("start.message", "ret.query"),
    ]);
    return problemsOf(doc, locale).filter((p) => p.code === "invalid-setting");
  }

  it.each([
    { data: { name: "kb", topK: 0 }, field: "topK", en: '"手册检索": "Chunks to return" must be at least 1.', zh: "“手册检索”：“返回片段数”不能小于 1。" },
    { data: { name: "kb", topK: 51 }, field: "topK", en: '"手册检索": "Chunks to return" must be at most 50.', zh: "“手册检索”：“返回片段数”不能大于 50。" },
    { data: { name: "kb", topK: 2.5 }, field: "topK", en: '"手册检索": "Chunks to return" should be a whole number.', zh: "“手册检索”：“返回片段数”应为整数。" },
    { data: { name: "kb", topK: "five" }, field: "topK", en: '"手册检索": "Chunks to return" should be a number.', zh: "“手册检索”：“返回片段数”应为数字。" },
    { data: {}, field: "name", en: '"手册检索": "name" is required.', zh: "“手册检索”：请填写“name”。" },
    { data: { name: "" }, field: "name", en: '"手册检索": "name" cannot be empty.', zh: "“手册检索”：“name”不能为空。" },
    { data: { name: "kb", url: "not a url" }, field: "url", en: '"手册检索": "url" is not a valid web address.', zh: "“手册检索”：“url”不是有效的网址。" },
    { data: { name: "kb", mode: "magic" }, field: "mode", en: '"手册检索": "mode" must be one of: hybrid, vector.', zh: "“手册检索”：“mode”只能是以下之一：hybrid、vector。" },
  ])("explains a bad $field in both languages: $zh", ({ data, field, en, zh }) => {
    // ACT
    const [english] = settingProblems(data, "en");
    const [chineseProblem] = settingProblems(data, "zh");
    // ASSERT
    expect(english).toMatchObject({ code: "invalid-setting", nodeId: "ret", field, message: en });
    expect(chineseProblem.message).toBe(zh);
  });

  it("reports every broken setting of a stored flow at once", () => {
    // ACT
    const problems = problemsOf(manyProblems, "zh");
    // ASSERT
    const codes = problems.map((p) => `${p.code}:${p.nodeId ?? ""}:${p.field ?? ""}`);
    expect(codes).toEqual(expect.arrayContaining([
      "invalid-setting:ret:topK", "invalid-setting:ret:name", "unknown-node-type:mystery:", "cycle:loop-a:",
    ]));
    for (const p of problems) expect(p.message).toMatch(chinese);
  });

  it("never throws, even when a node type's ports cannot be computed", () => {
    // ARRANGE
    const fragile = defineNode({
      type: "fragile", version: 1, ui: { label: { en: "Fragile", zh: "易碎" }, description: { en: "", zh: "" }, category: "logic", icon: "x" },
      config: z.object({}), inputs: () => {
        throw new Error("ports exploded");
      },
      outputs: {}, async run() {
        return {};
      },
    });
    const doc = makeFlow([start, makeNode("f", "fragile"), answer], [toAnswer, makeEdge("start.message", "f.in")]);
    // ACT
    const result = validateFlow(doc, { ...registry, fragile }, "en");
    // ASSERT: the node's bug becomes a problem on that node instead of an exception
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems).toEqual([{ code: "internal", nodeId: "f", message: '"Fragile" could not work out its inputs and outputs from its settings: ports exploded' }]);
  });
});
