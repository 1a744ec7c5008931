import { describe, expect, it } from "vitest";
import { createChatModel, offlineProvider } from "@/lib/providers";
import { splitSentences } from "@/lib/providers/extractive-answerer";
import type { DocumentChunk } from "@/nodes/ports";
import { collect } from "./harness";

const zhDocs: DocumentChunk[] = [
  { id: "c1", documentName: "员工手册.pdf", text: "公司成立于2010年，总部位于杭州。员工每年享有十五天带薪年假。请假需要提前一周在系统中提交申请！" },
  { id: "c2", documentName: "报销制度.docx", text: "差旅费用需要在出差结束后三十天内报销。报销时请附上发票原件。" },
  { id: "c3", documentName: "食堂.txt", text: "食堂每天中午十一点半开放，提供三种套餐。" },
];
const enDocs: DocumentChunk[] = [
  { id: "e1", documentName: "handbook.pdf", text: "The company was founded in 2010. Employees get fifteen days of paid vacation each year. Vacation requests must be submitted one week in advance." },
  { id: "e2", documentName: "expenses.md", text: "Travel expenses must be claimed within thirty days. Attach the original receipts to every claim." },
  { id: "e3", documentName: "canteen.txt", text: "The canteen opens at 11:30 and serves three set menus." },
];

const answerer = createChatModel(offlineProvider);

describe("splitSentences", () => {
  it("splits at Chinese and English boundaries but not inside numbers", () => {
    expect(splitSentences("向量检索很快。真的吗？It costs 3.5 dollars. Great!\n下一行")).toEqual(["向量检索很快。", "真的吗？", "It costs 3.5 dollars.", "Great!", "下一行"]);
  });
});

describe("offline extractive answerer", () => {
  it("quotes the right Chinese sentence, cites its document, and says in Chinese it is no language model", async () => {
    const result = await answerer.invoke({ messages: [{ role: "user", content: "每年有多少天年假？" }], question: "每年有多少天年假？", documents: zhDocs });
    expect(result.model).toBe("offline-extractive-answerer");
    expect(result.text).toContain("员工每年享有十五天带薪年假。");
    expect(result.text).not.toContain("食堂");
    expect(result.text).not.toContain("发票");
    expect(result.text).toContain("并非语言模型生成");
    expect(result.text).toContain("ollama pull qwen2.5");
    expect(result.citations?.map((c) => c.id)).toEqual(["c1"]);
  });

  it("quotes the right English sentence and says in English it is no language model", async () => {
    const result = await answerer.invoke({ messages: [{ role: "user", content: "How many days of paid vacation do employees get?" }], documents: enDocs });
    expect(result.text).toContain("Employees get fifteen days of paid vacation each year.");
    expect(result.text).not.toContain("canteen");
    expect(result.text).toMatch(/not written by a language model/);
    expect(result.text).toContain("ollama pull qwen2.5");
    expect(result.citations?.map((c) => c.id)).toEqual(["e1"]);
  });

  it("keeps picked sentences in their original order and cites every source used", async () => {
    const result = await answerer.invoke({ messages: [{ role: "user", content: "报销差旅费用需要什么发票，多少天内报销？" }], documents: zhDocs });
    const a = result.text.indexOf("差旅费用需要在出差结束后三十天内报销。");
    const b = result.text.indexOf("报销时请附上发票原件。");
    expect(a).toBeGreaterThan(-1);
    expect(b).toBeGreaterThan(a);
    expect(result.citations?.map((c) => c.id)).toEqual(["c2"]);
  });

  it("reads context from the prompt when no documents are given", async () => {
    const prompt = `Context:\n${enDocs.map((d) => d.text).join("\n")}\n\nQuestion: When must travel expenses be claimed?`;
    const result = await answerer.invoke({ messages: [{ role: "user", content: prompt }] });
    expect(result.text).toContain("Travel expenses must be claimed within thirty days.");
    expect(result.text).not.toContain("Question:");
    expect(result.citations).toEqual([]);
  });

  it.each([
    ["什么是向量数据库？", "离线回答器没有可以依据的资料", "ollama pull qwen2.5"],
    ["What is a vector database?", "no context to answer from", "ollama pull qwen2.5"],
  ])("says plainly when there is no context (%s)", async (question, says, hint) => {
    const result = await answerer.invoke({ messages: [{ role: "user", content: question }] });
    expect(result.text).toContain(says);
    expect(result.text).toContain(hint);
    expect(result.citations).toEqual([]);
  });

  it("says when nothing in the context matches", async () => {
    const result = await answerer.invoke({ messages: [{ role: "user", content: "火星上有水吗？" }], documents: zhDocs });
    expect(result.text).toContain("没有找到与问题相关的句子");
    expect(result.citations).toEqual([]);
  });

  it("never quotes the system prompt's instructions back as an answer", async () => {
    const result = await answerer.invoke({
      messages: [
        { role: "system", content: "You are a helpful assistant. Answer briefly, in the language of the question." },
        { role: "user", content: "What does the offline answerer do?" },
      ],
      question: "What does the offline answerer do?",
    });
    expect(result.text).not.toContain("Answer briefly");
    expect(result.text).toMatch(/no context|not a language model/i);
  });

  it("streams its answer in several pieces through onToken and stream()", async () => {
    const tokens: string[] = [];
    const request = { messages: [{ role: "user" as const, content: "每年有多少天年假？" }], documents: zhDocs };
    const result = await answerer.invoke({ ...request, onToken: (t) => tokens.push(t) });
    expect(tokens.length).toBeGreaterThan(10);
    expect(tokens.join("")).toBe(result.text);
    const pieces = await collect(answerer.stream(request));
    expect(pieces.join("")).toBe(result.text);
    expect(pieces.length).toBe(tokens.length);
  });

  it("stops when cancelled", async () => {
    const controller = new AbortController();
    const pending = answerer.invoke({ messages: [{ role: "user", content: "年假" }], documents: zhDocs, signal: controller.signal, onToken: () => controller.abort() });
    await expect(pending).rejects.toMatchObject({ code: "CANCELLED" });
  });
});
