/**
 * Weights of the built-in lexical reranker, one per LEXICAL_FEATURES entry (lib/rag/lexical-rerank.ts).
 * Written by `npm run train:reranker -- cmrc2018_trial_zh drcd_test_zh_hant squad11_train_subset_en --write` (scripts/train-reranker.ts).
 */
export const LEXICAL_RERANK_WEIGHTS: readonly number[] = [
  5.5328, // score_vs_best
  -1.3983, // score
  0.1694, // reciprocal_rank
  -0.0117, // is_first
  -2.6247, // coverage_text
  1.0431, // coverage_indexed
  -1.0803, // best_sentence
  -1.1602, // best_two_sentences
  1.8911, // ordered_pairs
  0.5245, // document_start
  -0.4470, // same_document_as_first
  4.1534, // document_best
  3.1165, // document_share
  -0.1912, // previous_score
  0.3503, // next_score
  1.7665, // number_question_x_digit
  1.4044, // year_question_x_year
  1.0682, // who_question_x_names
  0.2192, // length
  -0.1886, // new_names
  1.2365, // subject_coverage
  0.4334, // coverage_beyond_subject
  1.5046, // best_sentence_beyond_subject
  1.1272, // number_question_x_sentence_digit
  0.6510, // who_question_x_sentence_names
  1.6929, // document_start_x_subject_question
  1.2031, // word_coverage_text
  2.1121, // word_best_sentence
  2.1799, // word_coverage_beyond_subject
  1.8718, // word_best_sentence_beyond_subject
  1.9358, // subject_words_in_question
  1.2795, // subject_in_question
  0.1862, // where_question_x_sentence_place
  1.9930, // question_numbers_in_text
  1.9750, // surface_words
  -0.0814, // best_sentence_cut_at_end
  -1.9152, // best_sentence_cut_at_start
  -1.2916, // best_sentence_position_non_chinese
];
