/**
 * The built-in reranker: reorders keyword retrieval's best candidates by how a question's words
 * sit in each chunk, not only how many of them it holds. BM25 scores a chunk as a bag of words;
 * the chunk that answers a question usually also holds the question's rarer words in one
 * sentence, in the question's order, next to what the question asks for (a year for "when",
 * a number for "多少", a name for "who"), in the document the other candidates come from.
 *
 * It needs no model download and no provider: 26 features per candidate computed from the
 * chunk's text, its document's name and the query terms' IDF, combined by a linear model
 * whose weights (lexical-rerank-weights.ts) were fitted with a listwise softmax loss by
 * `npm run train:reranker` on the tuning sets of shared/eval (CMRC 2018, DRCD, SQuAD), to put
 * first a chunk that holds the answer. Measured by document-disjoint cross-validation (the
 * script prints it; docs/benchmarks.md).
 *
 * Used when keyword search leads the ranking (keyword-only, or the offline embedder's default
 * fusion): the features read BM25's order. With a real embedding model the fused order is the
 * model's and the features were not fitted on it, so it is not applied there.
 */
import { keywordParts, keywordTokens } from "./keywords";
import { LEXICAL_RERANK_WEIGHTS } from "./lexical-rerank-weights";

/** How many of the best candidates the features compare (document shares, neighbours' scores). */
export const LEXICAL_RERANK_POOL = 20;

/**
 * How many of the best are reordered among themselves; the rest keep search's order. Reordering
 * all 20 lifts no more answers to the top but swaps some out of the first 1 500 characters of
 * context (CMRC and DRCD 0.995 → 0.994; scripts/train-reranker.ts).
 */
export const LEXICAL_RERANK_REORDERED = 5;

export interface LexicalCandidate {
  text: string;
  documentId: string;
  /** The document's subject (lib/rag/chunk-context.ts documentSubject). */
  subject: string;
  /** The chunk's index in its document. */
  index: number;
  /** BM25 over the ideal score (0..1), 0 when keywords did not match. */
  keywordScore: number;
}

/** IDF of a query term in the candidate's knowledge base (0 when no chunk there holds it). */
export type TermIdf = (term: string, candidate: LexicalCandidate) => number;

export const LEXICAL_FEATURES = [
  "score_vs_best", "score", "reciprocal_rank", "is_first", "coverage_text", "coverage_indexed",
  "best_sentence", "best_two_sentences", "ordered_pairs", "document_start", "same_document_as_first",
  "document_best", "document_share", "previous_score", "next_score", "number_question_x_digit",
  "year_question_x_year", "who_question_x_names", "length", "new_names", "subject_coverage",
  "coverage_beyond_subject", "best_sentence_beyond_subject", "number_question_x_sentence_digit",
  "who_question_x_sentence_names", "document_start_x_subject_question",
] as const;

const SENTENCE_BREAK = /(?<=[。！？!?；;])|(?<=\.)\s+|\n+/u;
const DIGIT = /[0-9０-９一二三四五六七八九十百千万亿两兩萬億]/;
const YEAR = /\d{4}|\d+年/;
const NAME = /\b[A-Z][a-zA-Z]+/g;
const NUMBER_QUESTION =
  /\bhow (many|much|long|old|far|large|big|tall)\b|\bwhat (year|percentage|percent|number|date|age)\b|\bwhen\b|多少|几|幾|哪一年|哪年|何时|何時|什么时候|什麼時候|哪一天|多久|多大|多长|多長|年份|日期/i;
const YEAR_QUESTION = /\bwhat year\b|\bwhen\b|\bin which year\b|哪一年|哪年|何时|何時|什么时候|什麼時候|年份/i;
const WHO_QUESTION = /\bwho(m|se)?\b|谁|誰/i;

const names = (text: string) => new Set((text.match(NAME) ?? []).map((w) => w.toLowerCase()));

/** What the features need of a chunk's text, whatever the question. */
interface TextAnalysis {
  sentences: string[];
  /** Index terms of each sentence, and of each sentence with the next. */
  sentenceTerms: Array<Set<string>>;
  twoSentenceTerms: Array<Set<string>>;
  terms: Set<string>;
  /** Adjacent word pairs, "a b". */
  pairs: Set<string>;
  length: number;
  names: Set<string>;
}

const ANALYSIS_CACHE_SIZE = 4000;
const analyses = new Map<string, TextAnalysis>();

/**
 * A chunk's sentences tokenised once (one keyword tokenisation per sentence gives its terms,
 * its words in order and the length), kept for the next question by text — the same chunks come
 * back for many questions, and Chinese segmentation is most of the reranker's time.
 */
function analyse(text: string): TextAnalysis {
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
  };
  if (analyses.size >= ANALYSIS_CACHE_SIZE) analyses.delete(analyses.keys().next().value as string);
  analyses.set(text, analysis);
  return analysis;
}

/**
 * The feature rows of the candidates, in their order (exported for the training script and tests).
 * @example rerankFeatures("谁发明了造纸术？", candidates, idf)[0].length // LEXICAL_FEATURES.length
 */
export function rerankFeatures(query: string, candidates: LexicalCandidate[], idf: TermIdf): number[][] {
  if (candidates.length === 0) return [];
  const queryParts = keywordParts(query);
  const queryTerms = [...new Set(queryParts.tokens)];
  const queryWords = queryParts.tokens.slice(0, queryParts.wordCount);
  const pairs = new Set<string>();
  for (let k = 0; k + 1 < queryWords.length; k++) pairs.add(`${queryWords[k]} ${queryWords[k + 1]}`);
  const best = Math.max(...candidates.map((c) => c.keywordScore)) || 1;
  const byPosition = new Map(candidates.map((c) => [`${c.documentId}\u0000${c.index}`, c.keywordScore]));
  const documentBest = new Map<string, number>();
  const documentCount = new Map<string, number>();
  for (const c of candidates) {
    documentBest.set(c.documentId, Math.max(documentBest.get(c.documentId) ?? 0, c.keywordScore));
    documentCount.set(c.documentId, (documentCount.get(c.documentId) ?? 0) + 1);
  }
  const numberQuestion = NUMBER_QUESTION.test(query) ? 1 : 0;
  const yearQuestion = YEAR_QUESTION.test(query) ? 1 : 0;
  const whoQuestion = WHO_QUESTION.test(query) ? 1 : 0;
  const lowerQuery = query.toLowerCase();
  const firstDocument = candidates[0].documentId;
  const subjects = new Map<string, string[]>();

  return candidates.map((c, rank) => {
    const terms = queryTerms.map((t) => ({ t, idf: idf(t, c) })).filter((x) => x.idf > 0);
    const total = terms.reduce((s, x) => s + x.idf, 0) || 1;
    const coverage = (set: Set<string>, of = terms, sum = total) => (sum > 0 ? of.reduce((s, x) => s + (set.has(x.t) ? x.idf : 0), 0) / sum : 0);
    const { sentences, sentenceTerms, twoSentenceTerms, terms: textTerms, pairs: chunkPairs, length, names: chunkNames } = analyse(c.text);
    const subjectTokens = subjects.get(c.subject) ?? subjects.set(c.subject, c.subject ? keywordTokens(c.subject) : []).get(c.subject)!;
    const subjectTerms = new Set(subjectTokens);
    const indexedTerms = new Set([...textTerms, ...subjectTerms]);
    const beyond = terms.filter((x) => !subjectTerms.has(x.t));
    const beyondTotal = beyond.reduce((s, x) => s + x.idf, 0);
    let bestSentence = 0;
    let bestTwo = 0;
    let bestBeyond = 0;
    let bestBeyondAt = 0;
    sentenceTerms.forEach((set, k) => {
      bestSentence = Math.max(bestSentence, coverage(set));
      bestTwo = Math.max(bestTwo, coverage(twoSentenceTerms[k]));
      const b = beyondTotal ? coverage(set, beyond, beyondTotal) : 0;
      if (b > bestBeyond) {
        bestBeyond = b;
        bestBeyondAt = k;
      }
    });
    let ordered = 0;
    for (const p of pairs) if (chunkPairs.has(p)) ordered++;
    const newNames = [...chunkNames].filter((w) => !lowerQuery.includes(w)).length;
    const sentenceNewNames = [...names(sentences[bestBeyondAt] ?? "")].filter((w) => !lowerQuery.includes(w)).length;
    const hasDigit = DIGIT.test(c.text);
    return [
      c.keywordScore / best,
      c.keywordScore,
      1 / (rank + 1),
      rank === 0 ? 1 : 0,
      coverage(textTerms),
      coverage(indexedTerms),
      bestSentence,
      bestTwo,
      pairs.size ? ordered / pairs.size : 0,
      c.index === 0 ? 1 : 0,
      c.documentId === firstDocument ? 1 : 0,
      (documentBest.get(c.documentId) ?? 0) / best,
      (documentCount.get(c.documentId) ?? 0) / LEXICAL_RERANK_POOL,
      (byPosition.get(`${c.documentId}\u0000${c.index - 1}`) ?? 0) / best,
      (byPosition.get(`${c.documentId}\u0000${c.index + 1}`) ?? 0) / best,
      numberQuestion && hasDigit ? 1 : 0,
      yearQuestion && YEAR.test(c.text) ? 1 : 0,
      whoQuestion * Math.min(1, newNames / 5),
      (length + subjectTokens.length) / 100,
      Math.min(1, newNames / 10),
      coverage(subjectTerms),
      beyondTotal ? coverage(textTerms, beyond, beyondTotal) : 0,
      bestBeyond,
      numberQuestion && DIGIT.test(sentences[bestBeyondAt] ?? "") ? 1 : 0,
      whoQuestion && sentenceNewNames > 0 ? 1 : 0,
      c.index === 0 && beyondTotal / total < 0.3 ? 1 : 0,
    ];
  });
}

/**
 * A linear model's score of one feature row.
 * @example scoreRow([1, 0], [2, 3]) // 2
 */
export function scoreRow(row: number[], weights: readonly number[]): number {
  let score = 0;
  for (let k = 0; k < row.length; k++) score += row[k] * (weights[k] ?? 0);
  return score;
}

/**
 * The candidates' indexes in the reranked order: the first LEXICAL_RERANK_REORDERED by the
 * model's score (features read against the first LEXICAL_RERANK_POOL), the rest in their
 * place. Equal scores keep the incoming order.
 * @example lexicalRerankOrder("Who founded the Ming dynasty?", candidates, idf) // [3, 0, 1, 2, 4, 5, …]
 */
export function lexicalRerankOrder(query: string, candidates: LexicalCandidate[], idf: TermIdf, weights: readonly number[] = LEXICAL_RERANK_WEIGHTS): number[] {
  const pool = candidates.slice(0, LEXICAL_RERANK_POOL);
  const scores = rerankFeatures(query, pool, idf).map((row) => scoreRow(row, weights));
  const order = candidates.map((_, i) => i);
  const head = order.slice(0, LEXICAL_RERANK_REORDERED).sort((a, b) => scores[b] - scores[a] || a - b);
  order.splice(0, head.length, ...head);
  return order;
}
