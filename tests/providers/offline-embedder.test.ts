import { describe, expect, it } from "vitest";
import { createEmbedder, offlineProvider } from "@/lib/providers";
import { OFFLINE_EMBEDDING_DIMENSION, hashEmbed } from "@/lib/providers/offline-embedder";
import { featureWeight, stem, textFeatures } from "@/lib/providers/text-features";

/** The embedding as specified: every key of textFeatures hashed (FNV-1a, Murmur3 finaliser). */
function referenceEmbed(text: string): number[] {
  const fnv = (key: string) => {
    let h = 0x811c9dc5;
    for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
    return h >>> 0;
  };
  const mix = (h: number) => {
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    return (h ^ (h >>> 16)) >>> 0;
  };
  const v = new Float64Array(OFFLINE_EMBEDDING_DIMENSION);
  for (const [key, count] of textFeatures(text)) {
    const h = fnv(key);
    v[mix(h) % v.length] += (mix(h ^ 0x9e3779b9) & 1 ? 1 : -1) * featureWeight(key, count);
  }
  const scale = 1 / Math.sqrt(v.reduce((s, x) => s + x * x, 0));
  return Array.from(v, (x) => x * scale);
}

const dot = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i], 0);
const norm = (a: number[]) => Math.sqrt(dot(a, a));

function rank(query: string, passages: string[]): number[] {
  const q = hashEmbed(query);
  return passages.map((p, i) => ({ i, s: dot(q, hashEmbed(p)) })).sort((a, b) => b.s - a.s).map((x) => x.i);
}

const zhPassages = [
  "向量数据库把文本转换成向量，通过计算向量之间的相似度来检索相关内容。",
  "北京是中国的首都，有故宫、长城等著名景点，每年吸引大量游客。",
  "红烧肉的做法：五花肉切块，焯水后加冰糖、酱油和料酒小火慢炖一小时。",
  "员工每年享有十五天带薪年假，请假需要提前一周在系统中提交申请。",
  "深度学习模型的训练需要大量显卡算力，常用的框架有 PyTorch 和 TensorFlow。",
];
const enPassages = [
  "Vector databases store embeddings and retrieve documents by similarity search over those vectors.",
  "The Eiffel Tower in Paris was completed in 1889 and is visited by millions of tourists every year.",
  "To bake sourdough bread, mix flour, water and starter, then let the dough rise overnight.",
  "Employees receive fifteen days of paid vacation per year and must request leave one week ahead.",
  "Training deep learning models requires many GPUs; popular frameworks include PyTorch and TensorFlow.",
];

describe("offline hash embedder", () => {
  it("is deterministic, L2-normalised and of fixed dimension", async () => {
    const embedder = createEmbedder(offlineProvider);
    expect(embedder.model).toBe("offline-hash-embedder");
    const [a, b, c] = await embedder.embed(["向量检索 vector search", "向量检索 vector search", "完全不同的句子"]);
    expect(a).toHaveLength(OFFLINE_EMBEDDING_DIMENSION);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    for (const v of [a, c]) expect(norm(v)).toBeCloseTo(1, 10);
  });

  it("embeds exactly the features the answerer counts, as earlier versions did (stored vectors stay comparable)", () => {
    const texts = [...zhPassages, ...enPassages, "Beyoncé’s 2003 album — Dangerously in Love", "ab cd", "𠀋𠀋𠀋 Unicode beyond the BMP", "classes churches boxes tied singing"];
    texts.push(Array.from({ length: 3000 }, (_, i) => `term${i} 词${String.fromCharCode(0x4e00 + i)}`).join(" ")); // > 4 096 distinct features
    for (const text of texts) expect(hashEmbed(text)).toEqual(referenceEmbed(text));
    // Pinned values: a change here means every stored offline vector must be re-embedded.
    const v = hashEmbed("Indexes, indexing & indexed vectors — 向量数据库的检索");
    const nonZero = v.flatMap((x, i) => (x === 0 ? [] : [[i, x]])).slice(0, 6);
    expect(nonZero).toEqual([[7, -0.10631107736223643], [9, 0.19521751670219348], [12, -0.09302219269195686], [24, 0.19521751670219348], [43, 0.09302219269195686], [45, 0.15946661604335463]]);
  });

  it.each([
    ["indexes", "index"],
    ["indexing", "index"],
    ["indexed", "index"],
    ["ponies", "pony"],
    ["tied", "ty"],
    ["classes", "class"],
    ["class", "class"],
    ["status", "status"],
    ["churches", "church"],
    ["quickly", "quick"],
    ["sing", "sing"],
    ["covid19s", "covid19s"],
    ["naïveed", "naïveed"],
  ])("stems %s to %s", (word, expected) => {
    expect(stem(word)).toBe(expected);
  });

  it("gives texts without features a unit vector (cosine stays defined)", () => {
    for (const text of ["", "   ", "。！？"]) expect(norm(hashEmbed(text))).toBeCloseTo(1, 10);
  });

  it.each([
    ["如何请年假？需要提前多久申请", 3],
    ["向量检索是怎么找到相似内容的", 0],
    ["红烧肉怎么做", 2],
    ["中国的首都有哪些景点", 1],
    ["训练模型用什么框架", 4],
  ])("ranks the right Chinese passage first for %s", (query, expected) => {
    expect(rank(query, zhPassages)[0]).toBe(expected);
  });

  it.each([
    ["how many vacation days do employees get", 3],
    ["similarity search with vectors", 0],
    ["how do I bake bread", 2],
    ["when was the tower in Paris built", 1],
    ["which frameworks are used to train deep learning models", 4],
  ])("ranks the right English passage first for %s", (query, expected) => {
    expect(rank(query, enPassages)[0]).toBe(expected);
  });

  it("matches inflected English forms (light stemming + character trigrams)", () => {
    const q = hashEmbed("indexing documents");
    expect(dot(q, hashEmbed("the index of a document"))).toBeGreaterThan(dot(q, hashEmbed("the weather is sunny today")) + 0.2);
  });

  it("embeds thousands of short texts per second", async () => {
    const texts = Array.from({ length: 3000 }, (_, i) => `第 ${i} 段：向量数据库与关键词检索的融合 chunk ${i} about hybrid retrieval`);
    const started = performance.now();
    const vectors = await createEmbedder(offlineProvider).embed(texts);
    const seconds = (performance.now() - started) / 1000;
    expect(vectors).toHaveLength(3000);
    expect(3000 / seconds).toBeGreaterThan(1000); // ~5–15k/s measured; generous for a loaded CI machine
  });

  it("stops when cancelled", async () => {
    await expect(createEmbedder(offlineProvider).embed(["a"], AbortSignal.abort())).rejects.toMatchObject({ code: "CANCELLED" });
  });
});
