/**
 * What the built-in reranker (lexical-rerank.ts) reads of a question and of a chunk's text: the
 * kind of answer a question asks for, and a chunk's sentences, terms, word pairs, names and
 * words as written — tokenised once per text and kept for the next question.
 */
import { keywordParts } from "@/lib/text/keywords";

const SENTENCE_BREAK = /(?<=[。！？!?；;])|(?<=\.)\s+|\n+/u;
/** A number, in digits, Chinese numerals or English number words. */
export const DIGIT =
  /[0-9０-９一二三四五六七八九十百千万亿两兩萬億]|\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundred|thousand|million|billion|dozen|half)\b/i;
export const YEAR = /\d{4}|\d+年/;
/** A place: a capitalised name after "in / at / from…", or a Chinese place suffix. */
export const PLACE = /\b(in|at|from|near|to) (the )?[A-Z]|[省市县縣区區州国國岛島山河湖镇鎮村街路]/;
/** A text that ends a sentence, or starts one. */
export const SENTENCE_END = /[。！？!?.;；"”」』)）…]\s*$/u;
export const SENTENCE_START = /^\s*[A-Z0-9"“「『(（\p{Script=Han}]/u;
/** "How long": a span of time asked for. */
const DURATION_QUESTION = /\bhow long\b|\bhow many (years|months|weeks|days|hours|minutes)\b|多久|多长时间|多長時間|多少年|多少天|几年|幾年|几天|幾天/i;
/** A span of time: "14 hours", "three years", "5个月", "三年" (not a year such as "1998年"). */
export const DURATION =
  /\b(\d+(?:[.,]\d+)?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundred|several|many|few)[\s-]+(years?|months?|weeks?|days?|hours?|minutes?|seconds?|decades?|centuries|century)\b|(?<!\d)\d{1,3}\s*(?:年|个月|個月|周|週|天|小时|小時|分钟|分鐘|秒)|[一二三四五六七八九十百千两兩半几幾数數]+\s*(?:年|个月|個月|周|週|天|小时|小時|分钟|分鐘)/i;
const ACRONYM = /\b[A-Z]{2,6}(?=s?\b)/g;
const CONNECTIVE = "(?:(?:of|the|and|for|on|in|de|du|des|la|le|&)\\s+)*";

/** The words an acronym stands for: one capitalised word per letter, "of" / "and"… allowed between. */
function spelledOut(acronym: string): RegExp {
  return new RegExp(`\\b${[...acronym].map((letter) => `${letter}[a-z]+`).join(`[\\s-]+${CONNECTIVE}`)}\\b`);
}
const NUMBER = /\d+(?:[.,]\d+)*/g;
const SURFACE_WORD = /\p{L}[\p{L}\p{M}'’-]*\p{L}/gu;
const NAME = /\b[A-Z][a-zA-Z]+/g;
const HAN = /\p{Script=Han}/u;
const NUMBER_QUESTION =
  /\bhow (many|much|long|old|far|large|big|tall)\b|\bwhat (year|percentage|percent|number|date|age)\b|\bwhen\b|多少|几|幾|哪一年|哪年|何时|何時|什么时候|什麼時候|哪一天|多久|多大|多长|多長|年份|日期/i;
const YEAR_QUESTION = /\bwhat year\b|\bwhen\b|\bin which year\b|哪一年|哪年|何时|何時|什么时候|什麼時候|年份/i;
const WHO_QUESTION =
  /\bwho(m|se)?\b|\b(which|what) (person|man|woman|people|king|queen|president|leader|player|artist|author|writer|singer)\b|谁|誰|哪位|何人/i;
const WHERE_QUESTION = /\bwhere\b|哪里|哪裡|何处|何處|在哪|什么地方|什麼地方|哪个国家|哪個國家|哪座城市/i;

/** Capitalised words of a text, lower-cased. */
export const names = (text: string) => new Set((text.match(NAME) ?? []).map((w) => w.toLowerCase()));

export interface QuestionKind {
  number: boolean;
  year: boolean;
  who: boolean;
  where: boolean;
  /** Asks how long: a span of time. */
  duration: boolean;
  /** Its acronyms ("NCAA"), each as a pattern of the words it stands for ("National Collegiate Athletic Association"). */
  acronyms: RegExp[];
  /** Written in Chinese (holds a Han character). */
  chinese: boolean;
  /** Numbers written in digits. */
  numbers: string[];
  /** Words as written, lower-cased, that are not stop words (Latin-script only). */
  surfaceWords: string[];
}

/**
 * What a question asks for, read from its wording.
 * @example questionKind("In what year did Beyoncé marry?").year // true
 */
export function questionKind(query: string, isIndexed: (word: string) => boolean): QuestionKind {
  return {
    number: NUMBER_QUESTION.test(query),
    year: YEAR_QUESTION.test(query),
    who: WHO_QUESTION.test(query),
    where: WHERE_QUESTION.test(query),
    duration: DURATION_QUESTION.test(query),
    acronyms: [...new Set(query.match(ACRONYM) ?? [])].map(spelledOut),
    chinese: HAN.test(query),
    numbers: [...new Set(query.match(NUMBER) ?? [])],
    surfaceWords: [...new Set((query.toLowerCase().match(SURFACE_WORD) ?? []).filter((w) => !HAN.test(w) && isIndexed(w)))],
  };
}

/** What the features need of a chunk's text, whatever the question. */
export interface TextAnalysis {
  sentences: string[];
  /** Index terms of each sentence, and of each sentence with the next. */
  sentenceTerms: Array<Set<string>>;
  twoSentenceTerms: Array<Set<string>>;
  terms: Set<string>;
  /** Adjacent word pairs, "a b". */
  pairs: Set<string>;
  length: number;
  names: Set<string>;
  /** Words as written, lower-cased. */
  surfaceWords: Set<string>;
}

export const ANALYSIS_CACHE_SIZE = 4000;
const analyses = new Map<string, TextAnalysis>();

/**
 * A chunk's sentences tokenised once (one keyword tokenisation per sentence gives its terms,
 * its words in order and the length), kept for the next question by text — the same chunks come
 * back for many questions, and Chinese segmentation is most of the reranker's time.
 * @example analyse("明朝由朱元璋建立。").sentences // ["明朝由朱元璋建立。"]
 */
export function analyse(text: string): TextAnalysis {
  const hit = analyses.get(text);
  if (hit) return hit;
  const sentences = text.split(SENTENCE_BREAK).filter((s) => s && s.trim());
  const words: string[] = [];
  let length = 0;
  const sentenceTerms = sentences.map((sentence) => {
    const parts = keywordParts(sentence);
    for (let k = 0; k < parts.wordCount; k++) words.push(parts.tokens[k]);
    length += parts.tokens.length;
    return new Set(parts.tokens);
  });
  const pairs = new Set<string>();
  for (let k = 0; k + 1 < words.length; k++) pairs.add(`${words[k]} ${words[k + 1]}`);
  const analysis: TextAnalysis = {
    sentences,
    sentenceTerms,
    twoSentenceTerms: sentenceTerms.map((set, k) => new Set([...set, ...(sentenceTerms[k + 1] ?? [])])),
    terms: new Set(sentenceTerms.flatMap((set) => [...set])),
    pairs,
    length,
    names: names(text),
    surfaceWords: new Set(text.toLowerCase().match(SURFACE_WORD) ?? []),
  };
  if (analyses.size >= ANALYSIS_CACHE_SIZE) analyses.delete(analyses.keys().next().value as string);
  analyses.set(text, analysis);
  return analysis;
}
