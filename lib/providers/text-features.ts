/**
 * Lexical features shared by the offline embedder and the extractive answerer, so that what
 * the embedder finds similar and what the answerer picks agree. Chinese has no spaces: its
 * characters give unigrams and bigrams (bigrams carry most of the meaning: 向量 数据 据库).
 * Latin text gives lower-cased, lightly stemmed words and character trigrams (robust to typos
 * and inflections the stemmer misses).
 */

const HAN = /\p{Script=Han}/u;
const HAN_RUN = /\p{Script=Han}+/gu;
const WORD = /[\p{L}\p{N}]+/gu;

/** Chinese characters too common to say anything on their own (bigrams keep them in context). */
const ZH_STOP_CHARS = new Set("的了是在和与及或也都就而着过吗呢吧啊么之其这那些个为以于对把被从到有我你他她它们请".split(""));
/**
 * Chinese function and question words. They split a run of characters before n-grams are taken,
 * so "需要什么发票" yields 需要 and 发票 but no junk bigrams like 要什 or 么发.
 */
const ZH_STOP_WORDS = ["为什么", "什么", "怎么", "怎样", "如何", "哪些", "哪个", "哪里", "是否", "请问", "我们", "你们", "他们", "这个", "那个", "一个", "可以", "以及", "或者", "因为", "所以", "如果", "的", "了", "吗", "呢", "吧", "啊", "么"];
const ZH_STOP_SPLIT = new RegExp(ZH_STOP_WORDS.join("|"), "gu");
const EN_STOP = new Set(
  "a an the and or but of to in on at by for with from as is are was were be been being it its this that these those do does did what which who whom how why when where can could would should will shall may might must i you he she we they me my your our their there here not no yes if then than so such into about over also".split(" "),
);

export function hasCjk(text: string): boolean {
  return HAN.test(text);
}

const STEM_RULES: [RegExp, string][] = [
  [/ies$/, "y"],
  [/(ss|us)$/, "$1"],
  [/sses$/, "ss"],
  [/(x|ch|sh)es$/, "$1"],
  [/([^s])s$/, "$1"],
  [/ied$/, "y"],
  [/(\w{3,})ing$/, "$1"],
  [/(\w{3,})ed$/, "$1"],
  [/(\w{3,})ly$/, "$1"],
];

/** A light English stemmer: strips common inflections so "indexes", "indexing", "indexed" meet. */
export function stem(word: string): string {
  if (word.length <= 3 || /\d/.test(word)) return word;
  for (const [pattern, replacement] of STEM_RULES) {
    if (pattern.test(word)) return word.replace(pattern, replacement);
  }
  return word;
}

export type FeatureKind = "zh1" | "zh2" | "w" | "t";
/** Weights per feature kind: whole units (bigrams, words) count more than their pieces. */
export const featureWeights: Record<FeatureKind, number> = { zh1: 0.4, zh2: 1, w: 1, t: 0.35 };

/**
 * The term counts of a text, keyed "kind:feature".
 * @example textFeatures("Vector search 向量检索") // Map { "w:vector" => 1, "t:#ve" => 1, …, "zh2:向量" => 1, … }
 */
export function textFeatures(input: string): Map<string, number> {
  const counts = new Map<string, number>();
  const add = (key: string) => counts.set(key, (counts.get(key) ?? 0) + 1);
  const text = input.normalize("NFKC").toLowerCase();

  for (const run of (text.match(HAN_RUN) ?? []).flatMap((r) => r.split(ZH_STOP_SPLIT))) {
    const chars = Array.from(run);
    chars.forEach((c, i) => {
      if (!ZH_STOP_CHARS.has(c)) add(`zh1:${c}`);
      if (i + 1 < chars.length) add(`zh2:${c}${chars[i + 1]}`);
    });
  }

  const latin = text.replace(HAN_RUN, " ");
  for (const raw of latin.match(WORD) ?? []) {
    if (EN_STOP.has(raw)) continue;
    const word = stem(raw);
    add(`w:${word}`);
    if (word.length > 2) {
      const padded = `#${word}#`;
      for (let i = 0; i + 3 <= padded.length; i++) add(`t:${padded.slice(i, i + 3)}`);
    }
  }
  return counts;
}

/** Sublinear term frequency times the feature kind's weight. */
export function featureWeight(key: string, count: number): number {
  const kind = key.slice(0, key.indexOf(":")) as FeatureKind;
  return (1 + Math.log(count)) * (featureWeights[kind] ?? 1);
}
