/**
 * The built-in reranker: reorders keyword retrieval's best candidates by how a question's words
 * sit in each chunk, not only how many of them it holds. BM25 scores a chunk as a bag of words;
 * the chunk that answers a question usually also holds the question's rarer words in one
 * sentence, in the question's order, next to what the question asks for (a year for "when",
 * a number for "多少", a name for "who", a place for "哪里"), in the document the question
 * names and the other candidates come from.
 *
 * It needs no model download and no provider: 40 features per candidate computed from the
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
import { keywordParts, keywordTokens } from "@/lib/text/keywords";
import { analyse, DIGIT, DURATION, names, PLACE, questionKind, SENTENCE_END, SENTENCE_START, YEAR } from "./lexical-rerank-text";
import { LEXICAL_RERANK_WEIGHTS } from "./lexical-rerank-weights";

/**
 * How many of the best candidates the features compare (document shares, neighbours' scores) and
 * the model reorders; the rest keep search's order. A model fitted with more regularisation lost
 * Chinese answers from the context when it reordered all twenty; the current fit does not, and
 * gains on English (scripts/train-reranker.ts prints both; docs/benchmarks.md).
 */
export const LEXICAL_RERANK_POOL = 20;

export interface LexicalCandidate {
  text: string;
  documentId: string;
  /** The document's subject (lib/text/chunk-context.ts documentSubject). */
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
  "word_coverage_text", "word_best_sentence", "word_coverage_beyond_subject", "word_best_sentence_beyond_subject",
  "subject_words_in_question", "subject_in_question", "where_question_x_sentence_place", "question_numbers_in_text",
  "surface_words", "best_sentence_cut_at_end", "best_sentence_cut_at_start", "best_sentence_position_non_chinese",
  "duration_question_x_sentence_duration", "acronym_spelled_out",
] as const;

interface Weighted {
  t: string;
  idf: number;
}

const sum = (terms: Weighted[]) => terms.reduce((s, x) => s + x.idf, 0);

/** The IDF share of `terms` that `set` holds. */
function coverage(set: Set<string>, terms: Weighted[], total = sum(terms)): number {
  return total > 0 ? terms.reduce((s, x) => s + (set.has(x.t) ? x.idf : 0), 0) / total : 0;
}

/** A document's name as index terms, and how much of it the question names. */
interface SubjectInQuestion {
  tokens: string[];
  terms: Set<string>;
  /** Share of the name's words among the question's terms; 1 when the question holds the name as written. */
  wordShare: number;
  written: number;
}

/**
 * The feature rows of the candidates, in their order (exported for the training script and tests).
 * Coverage features come twice: over every query term (words and, for Chinese, their character
 * bigrams) and over the question's words only — a name cut into five bigrams would otherwise
 * outweigh the one word that says what is asked ("主治", "别称").
 * @example rerankFeatures("谁发明了造纸术？", candidates, idf)[0].length // LEXICAL_FEATURES.length
 */
export function rerankFeatures(query: string, candidates: LexicalCandidate[], idf: TermIdf): number[][] {
  if (candidates.length === 0) return [];
  const queryParts = keywordParts(query);
  const queryTerms = [...new Set(queryParts.tokens)];
  const queryWords = queryParts.tokens.slice(0, queryParts.wordCount);
  const uniqueWords = [...new Set(queryWords)];
  const queryTermSet = new Set(queryParts.tokens);
  const pairs = new Set<string>();
  for (let k = 0; k + 1 < queryWords.length; k++) pairs.add(`${queryWords[k]} ${queryWords[k + 1]}`);
  const kind = questionKind(query, (word) => keywordTokens(word).length > 0);
  const lowerQuery = query.toLowerCase();
  const best = Math.max(...candidates.map((c) => c.keywordScore)) || 1;
  const byPosition = new Map(candidates.map((c) => [`${c.documentId}\u0000${c.index}`, c.keywordScore]));
  const documentBest = new Map<string, number>();
  const documentCount = new Map<string, number>();
  for (const c of candidates) {
    documentBest.set(c.documentId, Math.max(documentBest.get(c.documentId) ?? 0, c.keywordScore));
    documentCount.set(c.documentId, (documentCount.get(c.documentId) ?? 0) + 1);
  }
  const firstDocument = candidates[0].documentId;
  const subjects = new Map<string, SubjectInQuestion>();
  const subjectOf = (subject: string): SubjectInQuestion => {
    const known = subjects.get(subject);
    if (known) return known;
    const { tokens, wordCount } = keywordParts(subject);
    const words = [...new Set(tokens.slice(0, wordCount))];
    const made = {
      tokens,
      terms: new Set(tokens),
      wordShare: words.length ? words.filter((w) => queryTermSet.has(w)).length / words.length : 0,
      written: subject && lowerQuery.includes(subject.toLowerCase()) ? 1 : 0,
    };
    subjects.set(subject, made);
    return made;
  };

  return candidates.map((c, rank) => {
    const text = analyse(c.text);
    const subject = subjectOf(c.subject);
    const weigh = (list: string[]) => list.map((t) => ({ t, idf: idf(t, c) })).filter((x) => x.idf > 0);
    const terms = weigh(queryTerms);
    const words = weigh(uniqueWords);
    const beyond = terms.filter((x) => !subject.terms.has(x.t));
    const wordsBeyond = words.filter((x) => !subject.terms.has(x.t));
    const total = sum(terms) || 1;
    const beyondTotal = sum(beyond);
    let bestSentence = 0;
    let bestTwo = 0;
    let wordBest = 0;
    let wordBestBeyond = 0;
    let bestBeyond = 0;
    let bestBeyondAt = 0;
    text.sentenceTerms.forEach((set, k) => {
      bestSentence = Math.max(bestSentence, coverage(set, terms, total));
      bestTwo = Math.max(bestTwo, coverage(text.twoSentenceTerms[k], terms, total));
      wordBest = Math.max(wordBest, coverage(set, words));
      wordBestBeyond = Math.max(wordBestBeyond, coverage(set, wordsBeyond));
      const b = coverage(set, beyond, beyondTotal);
      if (b > bestBeyond) {
        bestBeyond = b;
        bestBeyondAt = k;
      }
    });
    const bestBeyondSentence = text.sentences[bestBeyondAt] ?? "";
    let ordered = 0;
    for (const p of pairs) if (text.pairs.has(p)) ordered++;
    const newNames = [...text.names].filter((w) => !lowerQuery.includes(w)).length;
    const sentenceNewNames = [...names(bestBeyondSentence)].filter((w) => !lowerQuery.includes(w)).length;
    const share = (list: string[], has: (x: string) => boolean) => (list.length ? list.filter(has).length / list.length : 0);
    return [
      c.keywordScore / best,
      c.keywordScore,
      1 / (rank + 1),
      rank === 0 ? 1 : 0,
      coverage(text.terms, terms, total),
      coverage(new Set([...text.terms, ...subject.terms]), terms, total),
      bestSentence,
      bestTwo,
      pairs.size ? ordered / pairs.size : 0,
      c.index === 0 ? 1 : 0,
      c.documentId === firstDocument ? 1 : 0,
      (documentBest.get(c.documentId) ?? 0) / best,
      (documentCount.get(c.documentId) ?? 0) / LEXICAL_RERANK_POOL,
      (byPosition.get(`${c.documentId}\u0000${c.index - 1}`) ?? 0) / best,
      (byPosition.get(`${c.documentId}\u0000${c.index + 1}`) ?? 0) / best,
      kind.number && DIGIT.test(c.text) ? 1 : 0,
      kind.year && YEAR.test(c.text) ? 1 : 0,
      kind.who ? Math.min(1, newNames / 5) : 0,
      (text.length + subject.tokens.length) / 100,
      Math.min(1, newNames / 10),
      coverage(subject.terms, terms, total),
      coverage(text.terms, beyond, beyondTotal),
      bestBeyond,
      kind.number && DIGIT.test(bestBeyondSentence) ? 1 : 0,
      kind.who && sentenceNewNames > 0 ? 1 : 0,
      c.index === 0 && beyondTotal / total < 0.3 ? 1 : 0,
      coverage(text.terms, words),
      wordBest,
      coverage(text.terms, wordsBeyond),
      wordBestBeyond,
      subject.wordShare,
      subject.written,
      kind.where && PLACE.test(bestBeyondSentence) ? 1 : 0,
      share(kind.numbers, (n) => c.text.includes(n)),
      share(kind.surfaceWords, (w) => text.surfaceWords.has(w)),
      bestBeyondAt === text.sentences.length - 1 && !SENTENCE_END.test(c.text) ? 1 : 0,
      bestBeyondAt === 0 && c.index > 0 && !SENTENCE_START.test(c.text) ? 1 : 0,
      // Where in the chunk its best sentence sits helps English questions and costs Chinese ones
      // (cross-validated; docs/benchmarks.md), so it is read for questions not in Chinese.
      !kind.chinese && text.sentences.length > 1 ? bestBeyondAt / (text.sentences.length - 1) : 0,
      kind.duration && DURATION.test(bestBeyondSentence) ? 1 : 0,
      kind.acronyms.some((pattern) => pattern.test(c.text)) ? 1 : 0,
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
 * The candidates' indexes in the reranked order: the first LEXICAL_RERANK_POOL by the model's
 * score, the rest in their place. Equal scores keep the incoming order.
 * @example lexicalRerankOrder("Who founded the Ming dynasty?", candidates, idf) // [3, 0, 1, 2, 4, 5, …]
 */
export function lexicalRerankOrder(query: string, candidates: LexicalCandidate[], idf: TermIdf, weights: readonly number[] = LEXICAL_RERANK_WEIGHTS): number[] {
  const pool = candidates.slice(0, LEXICAL_RERANK_POOL);
  const scores = rerankFeatures(query, pool, idf).map((row) => scoreRow(row, weights));
  const order = candidates.map((_, i) => i);
  const head = order.slice(0, pool.length).sort((a, b) => scores[b] - scores[a] || a - b);
  order.splice(0, head.length, ...head);
  return order;
}
