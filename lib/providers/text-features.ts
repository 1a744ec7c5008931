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

/** [A-Za-z0-9_], what the stemmer's rules count as word characters before a suffix. */
function isWordCode(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95;
}

/** At least three word characters right before a suffix of `length` code units. */
function wordBefore(word: string, length: number): boolean {
  const end = word.length - length;
  return end >= 3 && isWordCode(word.charCodeAt(end - 1)) && isWordCode(word.charCodeAt(end - 2)) && isWordCode(word.charCodeAt(end - 3));
}

function hasAsciiDigit(word: string): boolean {
  for (let i = 0; i < word.length; i++) {
    const c = word.charCodeAt(i);
    if (c >= 48 && c <= 57) return true;
  }
  return false;
}

/**
 * A light English stemmer: strips common inflections so "indexes", "indexing", "indexed" meet.
 * The first rule that applies wins: -ies → -y; -ss, -us stay; -sses, -xes, -ches, -shes → drop -es;
 * -s → drop; -ied → -y; -ing, -ed, -ly → drop after at least three letters. Words of 3 letters
 * or fewer, and words with digits, stay as written. (Suffix tests, not regular expressions: this
 * runs for every word the offline embedder sees.)
 * @example stem("indexes") // "index"
 */
export function stem(word: string): string {
  const n = word.length;
  if (n <= 3 || hasAsciiDigit(word)) return word;
  if (word.endsWith("ies")) return `${word.slice(0, -3)}y`;
  if (word.endsWith("ss") || word.endsWith("us")) return word;
  if (word.endsWith("sses") || word.endsWith("xes") || word.endsWith("ches") || word.endsWith("shes")) return word.slice(0, -2);
  if (word.endsWith("s")) return word.slice(0, -1);
  if (word.endsWith("ied")) return `${word.slice(0, -3)}y`;
  if (word.endsWith("ing") && wordBefore(word, 3)) return word.slice(0, -3);
  if (word.endsWith("ed") && wordBefore(word, 2)) return word.slice(0, -2);
  if (word.endsWith("ly") && wordBefore(word, 2)) return word.slice(0, -2);
  return word;
}

export type FeatureKind = "zh1" | "zh2" | "w" | "t";
/** Weights per feature kind: whole units (bigrams, words) count more than their pieces. */
export const featureWeights: Record<FeatureKind, number> = { zh1: 0.4, zh2: 1, w: 1, t: 0.35 };

/**
 * Walks a text's features in a fixed order: each Chinese feature as its key ("zh1:向",
 * "zh2:向量"), then each Latin word that is not a stop word, stemmed — the word stands for its
 * "w:" key and its "t:" trigrams of "#word#" (see textFeatures). The offline embedder hashes
 * the same walk without building key strings.
 * @example forEachFeature("向量 search", (key) => keys.push(key), (word) => words.push(word)) // keys zh1:向 zh2:向量 zh1:量, words ["search"]
 */
export function forEachFeature(input: string, onHanKey: (key: string) => void, onWord: (stemmed: string) => void): void {
  const text = input.normalize("NFKC").toLowerCase();
  const han = text.match(HAN_RUN);
  if (han) {
    for (const run of han.flatMap((r) => r.split(ZH_STOP_SPLIT))) {
      const chars = Array.from(run);
      chars.forEach((c, i) => {
        if (!ZH_STOP_CHARS.has(c)) onHanKey(`zh1:${c}`);
        if (i + 1 < chars.length) onHanKey(`zh2:${c}${chars[i + 1]}`);
      });
    }
  }
  const latin = han ? text.replace(HAN_RUN, " ") : text;
  for (const raw of latin.match(WORD) ?? []) {
    if (!EN_STOP.has(raw)) onWord(stem(raw));
  }
}

/**
 * The term counts of a text, keyed "kind:feature".
 * @example textFeatures("Vector search 向量检索") // Map { "zh1:向" => 1, …, "w:vector" => 1, "t:#ve" => 1, … }
 */
export function textFeatures(input: string): Map<string, number> {
  const counts = new Map<string, number>();
  const add = (key: string) => counts.set(key, (counts.get(key) ?? 0) + 1);
  forEachFeature(input, add, (word) => {
    add(`w:${word}`);
    if (word.length > 2) {
      const padded = `#${word}#`;
      for (let i = 0; i + 3 <= padded.length; i++) add(`t:${padded.slice(i, i + 3)}`);
    }
  });
  return counts;
}

/** The weight of a key's feature kind (the part before ":"). */
export function kindWeight(key: string): number {
  return featureWeights[key.slice(0, key.indexOf(":")) as FeatureKind] ?? 1;
}

/** Sublinear term frequency times the feature kind's weight. */
export function featureWeight(key: string, count: number): number {
  return (1 + Math.log(count)) * kindWeight(key);
}
