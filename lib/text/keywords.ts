import { Jieba } from "@node-rs/jieba";
import { dict } from "@node-rs/jieba/dict.js";
import verbForms from "english-verbs-irregular/dist/verbs.json";
import { Converter } from "opencc-js/t2cn";
import { stemEnglish } from "./porter-stemmer";

/**
 * Keyword tokens for the full-text index (to_tsvector('simple', …)) and for keyword queries.
 * Postgres's parsers know no Chinese, so we segment before storing: jieba gives words
 * (向量 / 数据库 / 检索) and each run of Chinese characters also gives its character bigrams,
 * which catch words the dictionary segments differently — Traditional Chinese above all.
 * English is lower-cased, stop words are dropped and words are Porter2-stemmed, so "databases"
 * finds "database". jieba cuts without its HMM: its guesses at unknown words add noise once the
 * bigrams are there (the measurements that chose this: docs/benchmarks.md).
 * Traditional characters are folded to Simplified first (OpenCC), so 資料庫 and 资料库 are one
 * token and jieba's Simplified dictionary segments Traditional text into words.
 */

/**
 * The version of the tokenisation below. Bump it whenever the tokens of a text change (a new
 * folding, stop word or segmentation setting): knowledge bases whose keywords were made by an
 * older version are re-tokenised when a worker starts (lib/rag/keyword-refresh.ts), so stored
 * keywords and new queries always agree. 1: document names and headings indexed, Latin accents
 * folded; 2: Traditional Chinese folded to Simplified; 3: English ordinals written as words
 * folded to digits ("fourth" → "4th"); 4: irregular English verb forms folded to the verb
 * ("wrote" → "write").
 */
export const KEYWORD_VERSION = 4;

let jieba: Jieba | undefined;
/** The segmenter, created on first use: loading the dictionary takes a few hundred ms. */
function segmenter(): Jieba {
  jieba ??= Jieba.withDict(dict);
  return jieba;
}

/**
 * Loads jieba's dictionary and OpenCC's tables now (~200 ms) rather than in the first
 * ingestion or search that meets Chinese text: ingestion workers call it when they start.
 */
export function warmUpKeywords(): void {
  keywordTokens("预热分词詞典");
}

const ZH_STOP = new Set(
  (
    "的 了 是 在 和 与 及 或 也 都 就 而 着 过 吗 呢 吧 啊 么 之 其 这 那 些 个 为 以 于 对 把 被 从 到 有 我 你 他 她 它 们 " +
    "我们 你们 他们 这个 那个 一个 什么 怎么 如何 哪些 哪个 是否 请问 可以 以及 或者 因为 所以 如果 并 又 但 则 即 该 此 " +
    "這 這個 個 們 於 與 為 對 從 嗎 麼 什麼 甚麼 怎麼 哪個 那個 還 並 則 該"
  ).split(" "),
);
const EN_STOP = new Set(
  (
    "a an the and or but of to in on at by for with from as is are was were be been being it its this that these those " +
    "do does did what which who whom whose how why when where can could would should will shall may might must i you he " +
    "she we they me him her us them my your his our their there here if then than so such into about over also very just " +
    "has have had having not no nor only own same too s t don am any both each few more most other some up down out off again"
  ).split(" "),
);

const HAN = /\p{Script=Han}/u;
const WORD = /[\p{L}\p{N}]+/gu;
const ASCII_WORD = /[a-z0-9]+/g;
const NON_ASCII = /[^\u0020-\u007e\t\n\r]/;

export interface TokenOptions {
  /** Add character bigrams of every Chinese run (better recall, bigger index). */
  bigrams: boolean;
  /** jieba search mode (words plus their sub-words) or plain segmentation. */
  mode: "search" | "cut";
  /** Let jieba's HMM guess words missing from its dictionary (names, Traditional forms). */
  hmm: boolean;
}

/** The configuration chosen by measurement (BM25 on CMRC 2018 and DRCD). */
export const keywordOptions: TokenOptions = { bigrams: true, mode: "cut", hmm: false };

/** Common Han blocks by code unit (BMP); rarer ones fall back to the Unicode property test. */
function isHanCode(code: number): boolean {
  return (code >= 0x4e00 && code <= 0x9fff) || (code >= 0x3400 && code <= 0x4dbf) || (code >= 0xf900 && code <= 0xfaff);
}

// Words repeat a lot across chunks; stemming each distinct word once keeps English fast.
const stemCache = new Map<string, string>();
function stemCached(word: string): string {
  let stem = stemCache.get(word);
  if (stem === undefined) {
    stem = stemEnglish(word);
    if (stemCache.size > 100_000) stemCache.clear();
    stemCache.set(word, stem);
  }
  return stem;
}

let traditionalToSimplified: ((text: string) => string) | undefined;

/**
 * Traditional Chinese folded to Simplified (OpenCC's character and phrase tables), for tokens
 * only: a Taiwan or Hong Kong document and a mainland question meet, and jieba's Simplified
 * dictionary finds the words of Traditional text instead of single characters. Stored and
 * cited text stays as written.
 * @example foldToSimplified("資料庫檢索") // "资料库检索"
 */
export function foldToSimplified(text: string): string {
  traditionalToSimplified ??= Converter({ from: "t", to: "cn" });
  return traditionalToSimplified(text);
}

const COMBINING_MARK = /\p{M}/gu;
const LATIN_LETTER_WITH_MARKS = /[\u00c0-\u024f\u1e00-\u1eff]/g;

/**
 * Latin letters without their accents (Beyoncé → Beyonce, Żelazowa → Zelazowa): people type
 * names without them. Only Latin letters are touched; Chinese and other scripts stay as written.
 */
function foldLatinAccents(text: string): string {
  return text.replace(LATIN_LETTER_WITH_MARKS, (c) => c.normalize("NFKD").replace(COMBINING_MARK, ""));
}

/**
 * "fourth" and "4th" are one token: a question asks about "the fourth Karmapa", the text says
 * "4th Karmapa".
 */
const ORDINALS: Record<string, string> = Object.fromEntries(
  "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth"
    .split(" ")
    .map((w, i) => [w, `${i + 1}${i === 0 ? "st" : i === 1 ? "nd" : i === 2 ? "rd" : "th"}`]),
);

/**
 * Past forms that are more often another word ("born" ≠ "bear", "ground", "a bit", "the Fed"):
 * kept as written. "left" is folded: "he left Warsaw" is what a question's "leave" asks about.
 */
const NOT_FOLDED = new Set("born borne bore rose bound ground wound lay bit dove fed lent".split(" "));

/**
 * Irregular English verb forms and their verb (english-verbs-irregular, 569 verbs): "When did
 * Chopin write…" finds "Chopin wrote", "who won" finds "to win" — the stemmer cannot see that
 * "wrote" and "write" are one word.
 */
const IRREGULAR_VERBS: ReadonlyMap<string, string> = new Map(
  Object.entries(verbForms as Record<string, string[][]>).flatMap(([verb, forms]) =>
    forms.flat().filter((form) => form !== verb && /^[a-z]+$/.test(form) && !NOT_FOLDED.has(form)).map((form) => [form, verb] as const),
  ),
);

function pushWord(word: string, out: string[]): void {
  if (EN_STOP.has(word)) return;
  const ordinal = ORDINALS[word];
  if (ordinal) {
    out.push(ordinal);
    return;
  }
  const verb = IRREGULAR_VERBS.get(word);
  if (verb !== undefined) {
    if (!EN_STOP.has(verb)) out.push(stemCached(verb));
    return;
  }
  const first = word.charCodeAt(0);
  // Letters a–z only → stem; anything with digits or other scripts is kept as written.
  if (first >= 97 && first <= 122 && /^[a-z]+$/.test(word)) out.push(stemCached(word));
  else out.push(word);
}

function pushBigrams(text: string, out: string[]): void {
  let runStart = -1;
  for (let i = 0; i <= text.length; i++) {
    const han = i < text.length && isHanCode(text.charCodeAt(i));
    if (han && runStart < 0) runStart = i;
    else if (!han && runStart >= 0) {
      for (let k = runStart; k + 1 < i; k++) {
        const bigram = text.slice(k, k + 2);
        if (!ZH_STOP.has(bigram)) out.push(bigram);
      }
      runStart = -1;
    }
  }
}

/**
 * Tokens of a text with explicit options (used by the measurement script; callers use
 * keywordTokens).
 * @example tokenize("向量数据库 databases", { bigrams: false, mode: "search", hmm: true }) // ["向量", "数据", "据库", "数据库", "databas"]
 */
export function tokenize(input: string, options: TokenOptions): string[] {
  return tokenizeParts(input, options).tokens;
}

/**
 * Index tokens with the whole words among them in text order: `tokens` as keywordTokens gives
 * them, `words` its first `wordCount` (the Chinese character bigrams follow the words).
 * @example keywordParts("向量数据库") // { tokens: ["向量", "数据库", "向量", "量数", …], wordCount: 2 }
 */
export function keywordParts(text: string): { tokens: string[]; wordCount: number } {
  return tokenizeParts(text, keywordOptions);
}

function tokenizeParts(input: string, options: TokenOptions): { tokens: string[]; wordCount: number } {
  const out: string[] = [];
  if (!NON_ASCII.test(input)) {
    for (const match of input.toLowerCase().matchAll(ASCII_WORD)) pushWord(match[0], out);
    return { tokens: out, wordCount: out.length };
  }
  const folded = foldLatinAccents(input.normalize("NFKC").toLowerCase());
  if (!HAN.test(folded)) {
    for (const match of folded.matchAll(WORD)) pushWord(match[0], out);
    return { tokens: out, wordCount: out.length };
  }
  const text = foldToSimplified(folded);
  const tokens = options.mode === "search" ? segmenter().cutForSearch(text, options.hmm) : segmenter().cut(text, options.hmm);
  for (const token of tokens) {
    if (isHanCode(token.charCodeAt(0)) || HAN.test(token)) {
      if (!ZH_STOP.has(token)) out.push(token);
    } else if (token.length > 1 || /[\p{L}\p{N}]/u.test(token)) {
      for (const match of token.matchAll(WORD)) pushWord(match[0], out);
    }
  }
  const wordCount = out.length;
  if (options.bigrams) pushBigrams(text, out);
  return { tokens: out, wordCount };
}

/**
 * Index tokens of a chunk: Chinese words and bigrams; English stems; numbers.
 * @example keywordTokens("我们使用向量数据库进行检索") // includes "向量", "数据库", "检索"
 */
export function keywordTokens(text: string): string[] {
  return tokenize(text, keywordOptions);
}

/**
 * The tokens joined by spaces, ready for to_tsvector('simple', …). Tokens contain no spaces
 * or tsvector syntax characters, so the simple parser keeps each one whole.
 * @example keywordDocument("Running databases") // "run databas"
 */
export function keywordDocument(text: string): string {
  return keywordTokens(text).join(" ");
}

/**
 * Distinct query terms with the same normalisation as the index: keyword search looks each one
 * up in the GIN index and ranks by BM25 (lib/db/queries/keyword-search.ts).
 * @example keywordQuery("什么是向量数据库？") // ["向量", "数据库", "数据", "据库", …]
 */
export function keywordQuery(text: string): string[] {
  return [...new Set(keywordTokens(text))];
}
