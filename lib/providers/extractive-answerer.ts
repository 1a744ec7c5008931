import type { ChatRequest } from "@/nodes/context";
import type { ChatMessage, DocumentChunk } from "@/nodes/ports";
import { featureWeight, hasCjk, textFeatures } from "./text-features";

export const EXTRACTIVE_ANSWERER_MODEL = "offline-extractive-answerer";
const MAX_SENTENCES = 3;
/** A sentence must share at least this much (cosine of tf-idf features) with the question. */
const MIN_SCORE = 0.04;
/** Further sentences are kept when they score at least this share of the best one. */
const RELATIVE_KEEP = 0.35;

export interface Extraction {
  text: string;
  citations: DocumentChunk[];
  /** "answer": sentences found; "no-match": context had nothing relevant; "no-context": nothing to read. */
  outcome: "answer" | "no-match" | "no-context";
}

interface Sentence {
  text: string;
  order: number;
  doc?: DocumentChunk;
}

/**
 * Splits text into sentences at Chinese 。！？；… and English . ! ? ; boundaries and line breaks.
 * @example splitSentences("向量检索很快。It works. 好吗？") // ["向量检索很快。", "It works.", "好吗？"]
 */
export function splitSentences(text: string): string[] {
  return text
    .replace(/\r/g, "")
    .split(/(?<=[。！？；…][”’"」』）)]?)(?![。！？；…”’"」』）)])|(?<=[.!?;]["')\]]?)\s+|\n+/u)
    .map((s) => s.trim())
    .filter((s) => /[\p{L}\p{N}]/u.test(s));
}

const QUESTION_LABEL = /^\s*(?:question|query|问题|用户问题|提问)\s*[:：]\s*/i;

/** Finds the question and the context when no documents came with the request. */
function readPrompt(messages: ChatMessage[], explicit?: string): { question: string; context: string[] } {
  const lastUser = [...messages].reverse().find((m) => m.role === "user")?.content ?? "";
  // The system prompt holds instructions for a language model, which this answerer cannot follow;
  // quoting them back as an "answer" would mislead. Context comes from documents or the prompt.
  const context: string[] = [];
  const question = explicit?.trim();
  if (question) {
    context.push(lastUser.split(question).join("\n"));
    return { question, context };
  }
  const lines = lastUser.split("\n");
  const labelled = lines.map((l) => QUESTION_LABEL.test(l)).lastIndexOf(true);
  if (labelled >= 0) {
    context.push(lines.filter((_, i) => i !== labelled).join("\n"));
    return { question: lines[labelled].replace(QUESTION_LABEL, ""), context };
  }
  const filled = lines.map((l, i) => ({ l, i })).filter(({ l }) => l.trim());
  if (filled.length > 1) {
    const last = filled[filled.length - 1];
    context.push(lines.filter((_, i) => i !== last.i).join("\n"));
    return { question: last.l.trim(), context };
  }
  return { question: lastUser.trim(), context };
}

function tfidfVectors(sentences: Map<string, number>[], query: Map<string, number>) {
  const df = new Map<string, number>();
  for (const s of sentences) for (const key of s.keys()) df.set(key, (df.get(key) ?? 0) + 1);
  const n = sentences.length;
  const weigh = (features: Map<string, number>) => {
    const v = new Map<string, number>();
    let norm = 0;
    for (const [key, count] of features) {
      const w = featureWeight(key, count) * Math.log(1 + n / (df.get(key) ?? 0.5));
      v.set(key, w);
      norm += w * w;
    }
    return { v, norm: Math.sqrt(norm) || 1 };
  };
  return { sentences: sentences.map(weigh), query: weigh(query) };
}

function cosine(a: { v: Map<string, number>; norm: number }, b: { v: Map<string, number>; norm: number }): number {
  let dot = 0;
  for (const [key, w] of a.v) dot += w * (b.v.get(key) ?? 0);
  return dot / (a.norm * b.norm);
}

const notes = {
  zh: {
    header: "【离线抽取式回答：以下句子摘自所给资料，并非语言模型生成】",
    getModel: "如需真正的模型回答，请安装 Ollama（https://ollama.com）并运行：ollama pull qwen2.5",
    noContext: "离线回答器没有可以依据的资料。它不是语言模型，只能从提供给它的文档（例如知识库）中摘录句子。",
    noMatch: "离线回答器在所给资料中没有找到与问题相关的句子。它不是语言模型，只能摘录资料中的原句。",
  },
  en: {
    header: "[Offline extractive answer: the sentences below are quoted from the given context, not written by a language model]",
    getModel: "For real answers, install Ollama (https://ollama.com) and run: ollama pull qwen2.5",
    noContext: "The offline answerer has no context to answer from. It is not a language model: it can only quote sentences from documents it is given (for example from a knowledge base).",
    noMatch: "The offline answerer found no sentence in the given context that matches the question. It is not a language model: it can only quote sentences from the context.",
  },
};

function joinSentences(sentences: string[]): string {
  return sentences.reduce((out, s) => (!out ? s : /[\p{Script=Han}。！？；…”’」』）]$/u.test(out) && hasCjk(s) ? out + s : `${out} ${s}`), "");
}

/**
 * Answers by quoting the 1–3 context sentences most similar to the question, in their original
 * order, and says plainly (in the question's language) that no language model wrote it.
 * @example
 * extractAnswer({ messages: [{ role: "user", content: "什么是向量检索？" }], documents: [{ id: "d1", text: "…" }] })
 */
export function extractAnswer(request: Pick<ChatRequest, "messages" | "question" | "documents">): Extraction {
  let question: string;
  let sentences: Sentence[];
  if (request.documents?.length) {
    const lastUser = [...request.messages].reverse().find((m) => m.role === "user")?.content ?? "";
    question = request.question?.trim() || lastUser.trim();
    let order = 0;
    sentences = request.documents.flatMap((doc) => splitSentences(doc.text).map((text) => ({ text, doc, order: order++ })));
  } else {
    const prompt = readPrompt(request.messages, request.question);
    question = prompt.question;
    sentences = splitSentences(prompt.context.join("\n")).map((text, order) => ({ text, order }));
  }
  const lang = hasCjk(question) ? "zh" : "en";
  const n = notes[lang];
  if (!sentences.length) return { text: `${n.noContext}\n\n${n.getModel}`, citations: [], outcome: "no-context" };

  const weighted = tfidfVectors(sentences.map((s) => textFeatures(s.text)), textFeatures(question));
  const scored = sentences.map((s, i) => ({ s, score: cosine(weighted.query, weighted.sentences[i]) })).sort((a, b) => b.score - a.score);
  const best = scored[0].score;
  if (best < MIN_SCORE) return { text: `${n.noMatch}\n\n${n.getModel}`, citations: [], outcome: "no-match" };

  const picked = scored
    .filter((x, i) => i === 0 || x.score >= best * RELATIVE_KEEP)
    .slice(0, MAX_SENTENCES)
    .map((x) => x.s)
    .sort((a, b) => a.order - b.order);
  const citations: DocumentChunk[] = [];
  for (const s of picked) if (s.doc && !citations.includes(s.doc)) citations.push(s.doc);
  return { text: `${n.header}\n\n${joinSentences(picked.map((s) => s.text))}\n\n${n.getModel}`, citations, outcome: "answer" };
}

/**
 * Cuts a text into stream pieces (a word, or up to three Chinese characters) so the offline
 * answer streams through the same token path as a real model.
 * @example streamPieces("你好世界 hi there") // ["你好世", "界", " ", "hi ", "there"]
 */
export function streamPieces(text: string): string[] {
  return text.match(/\p{Script=Han}{1,3}|[^\s\p{Script=Han}]+\s*|\s+/gu) ?? [];
}
