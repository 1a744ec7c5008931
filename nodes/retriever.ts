import { z } from "zod";
import { MAX_TAGS, tagSchema } from "@/lib/document-tags";
import { AppError } from "@/lib/errors";
import { defineNode } from "./define";
import { documentsToText, port, type DocumentChunk } from "./ports";

const config = z.object({
  knowledgeBaseIds: z
    .array(z.string().min(1))
    .max(20)
    .default([])
    .meta({ label: { en: "Knowledge bases", zh: "知识库" }, widget: "knowledge-bases", help: { en: "Searched together in one query", zh: "在一次查询中同时检索" } }),
  topK: z.number().int().min(1).max(50).default(5).meta({ label: { en: "Chunks to return (top-k)", zh: "返回分段数（Top-K）" } }),
  scoreThreshold: z
    .number()
    .min(0)
    .max(1)
    .default(0)
    .meta({ label: { en: "Minimum score (0–1)", zh: "最低相关度（0–1）" }, help: { en: "Chunks scoring lower are left out; 0 keeps all", zh: "低于该分数的分段将被忽略；0 表示全部保留" } }),
  mode: z
    .enum(["hybrid", "vector", "keyword"])
    .default("hybrid")
    .meta({
      label: { en: "Search mode", zh: "检索方式" },
      options: {
        hybrid: { en: "Hybrid (vector + keyword)", zh: "混合（向量 + 关键词）" },
        vector: { en: "Vector only", zh: "仅向量" },
        keyword: { en: "Keyword only", zh: "仅关键词" },
      },
    }),
  tags: z
    .array(tagSchema)
    .max(MAX_TAGS)
    .default([])
    .meta({
      label: { en: "Document tags", zh: "文档标签" },
      help: { en: "Searches only documents carrying any of these tags (set on the knowledge base's documents); none searches all", zh: "只检索带有其中任一标签的文档（标签在知识库的文档列表中设置）；不填则检索全部" },
    }),
  rerank: z
    .boolean()
    .default(false)
    .meta({
      label: { en: "Rerank", zh: "重排序" },
      help: {
        en: "A reranker model reorders the best candidates; the minimum score then applies to its score",
        zh: "由重排序模型对最佳候选重新排序；此时最低相关度作用于重排序分数",
      },
    }),
  rerankProvider: z
    .string()
    .trim()
    .max(100)
    .default("default")
    .meta({
      label: { en: "Rerank provider", zh: "重排序模型服务" },
      help: { en: "An OpenAI-compatible server with /rerank (vLLM, Jina) or a Hugging Face TEI server", zh: "带 /rerank 接口的 OpenAI 兼容服务（vLLM、Jina）或 Hugging Face TEI 服务器" },
      widget: "provider",
      showWhen: { rerank: true },
    }),
  rerankModel: z
    .string()
    .trim()
    .max(200)
    .default("")
    .meta({
      label: { en: "Rerank model", zh: "重排序模型" },
      help: { en: "Empty uses BAAI/bge-reranker-v2-m3 (a TEI server uses the model it runs)", zh: "留空则使用 BAAI/bge-reranker-v2-m3（TEI 服务器使用其运行的模型）" },
      showWhen: { rerank: true },
    }),
  rerankTopN: z
    .number()
    .int()
    .min(1)
    .max(100)
    .default(20)
    .meta({
      label: { en: "Candidates to rerank", zh: "参与重排序的候选数" },
      help: { en: "How many fused results the reranker scores (at least top-k)", zh: "交给重排序模型打分的融合结果数（不少于 Top-K）" },
      showWhen: { rerank: true },
    }),
});

/**
 * Formats passages for a prompt: numbered, each with its source, so the model can cite [n] and
 * the person can find it. Neighbouring chunks of one document are joined into one excerpt
 * numbered by all of them ("[1][3]", lib/text/excerpts.ts), so the overlap is not repeated and a
 * passage cut between two chunks reads whole. Retrieved text is marked as material to answer
 * from, not instructions (it may contain text written by anyone — C19).
 * @example contextText([{ id: "c1", text: "年假十五天。", documentName: "员工手册.pdf" }]) // "[1] (员工手册.pdf) 年假十五天。"
 */
export function contextText(documents: DocumentChunk[]): string {
  return documentsToText(documents, { names: true });
}

/**
 * Searches knowledge bases for the query and hands on the best passages with their sources:
 * `documents` for citations and the LLM, `context` as text ready for a prompt.
 * With `tags`, only documents carrying any of them are searched. With `rerank`, the provider's
 * reranker orders the best `rerankTopN` candidates and the threshold applies to its score.
 * @example retriever.run({ config: { knowledgeBaseIds: ["kb1"], topK: 3, scoreThreshold: 0, mode: "hybrid", tags: ["人事"], rerank: false, rerankProvider: "default", rerankModel: "", rerankTopN: 20 }, inputs: { query: "年假有几天？" }, ctx })
 */
export const retriever = defineNode({
  type: "retriever",
  version: 1,
  ui: {
    label: { en: "Knowledge retrieval", zh: "知识检索" },
    description: { en: "Find the passages of your knowledge bases that answer the question", zh: "从知识库中找出能回答问题的段落" },
    category: "rag",
    icon: "search",
  },
  config,
  inputs: { query: port.text({ required: true, label: { en: "Query", zh: "查询" } }) },
  outputs: {
    documents: port.documents({ label: { en: "Passages", zh: "段落" } }),
    context: port.text({ label: { en: "Context text", zh: "上下文文本" } }),
  },
  async run({ config: settings, inputs, ctx }) {
    if (!settings.knowledgeBaseIds.length) {
      throw new AppError("RETRIEVER_NO_KNOWLEDGE_BASE", {
        en: "Choose at least one knowledge base in this node's settings.",
        zh: "请在此节点的设置中至少选择一个知识库。",
      }, 400);
    }
    if (!ctx.retrieve) {
      throw new AppError("RETRIEVER_UNAVAILABLE", { en: "Knowledge retrieval is not available here.", zh: "此处无法使用知识检索。" }, 500);
    }
    const query = String(inputs.query ?? "").trim();
    const documents = query
      ? await ctx.retrieve({
          knowledgeBaseIds: settings.knowledgeBaseIds,
          query,
          topK: settings.topK,
          scoreThreshold: settings.scoreThreshold || undefined,
          mode: settings.mode,
          filter: settings.tags.length ? { tags: settings.tags } : undefined,
          rerank: settings.rerank ? { provider: settings.rerankProvider || "default", model: settings.rerankModel || undefined, topN: settings.rerankTopN } : undefined,
          signal: ctx.signal,
        })
      : [];
    return { documents, context: contextText(documents) };
  },
});
