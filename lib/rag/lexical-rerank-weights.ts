/**
 * Weights of the built-in lexical reranker, one per LEXICAL_FEATURES entry (lib/rag/lexical-rerank.ts).
 * Written by `npm run train:reranker -- cmrc2018_trial_zh drcd_test_zh_hant squad11_train_subset_en --write` (scripts/train-reranker.ts).
 */
export const LEXICAL_RERANK_WEIGHTS: readonly number[] = [
  4.2066, // score_vs_best
  0.7523, // score
  0.7477, // reciprocal_rank
  -0.1107, // is_first
  -0.0831, // coverage_text
  1.4804, // coverage_indexed
  0.8261, // best_sentence
  0.0020, // best_two_sentences
  1.5272, // ordered_pairs
  0.3410, // document_start
  0.2585, // same_document_as_first
  1.6198, // document_best
  2.2995, // document_share
  -0.3589, // previous_score
  0.3512, // next_score
  0.6274, // number_question_x_digit
  1.0853, // year_question_x_year
  0.2800, // who_question_x_names
  0.2074, // length
  0.0397, // new_names
  1.4153, // subject_coverage
  1.4455, // coverage_beyond_subject
  2.2122, // best_sentence_beyond_subject
  1.0838, // number_question_x_sentence_digit
  0.4821, // who_question_x_sentence_names
  0.4630, // document_start_x_subject_question
];
