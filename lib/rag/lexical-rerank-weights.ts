/**
 * Weights of the built-in lexical reranker, one per LEXICAL_FEATURES entry (lib/rag/lexical-rerank.ts).
 * Written by `npm run train:reranker -- cmrc2018_trial_zh drcd_test_zh_hant squad11_train_subset_en --write` (scripts/train-reranker.ts).
 */
export const LEXICAL_RERANK_WEIGHTS: readonly number[] = [
  5.4999, // score_vs_best
  -1.4023, // score
  0.1537, // reciprocal_rank
  0.0084, // is_first
  -2.6461, // coverage_text
  1.0180, // coverage_indexed
  -1.0836, // best_sentence
  -1.1524, // best_two_sentences
  1.8443, // ordered_pairs
  0.5217, // document_start
  -0.4573, // same_document_as_first
  4.2230, // document_best
  3.1349, // document_share
  -0.1800, // previous_score
  0.3464, // next_score
  1.7746, // number_question_x_digit
  1.3983, // year_question_x_year
  1.0641, // who_question_x_names
  0.2283, // length
  -0.1878, // new_names
  1.2096, // subject_coverage
  0.4504, // coverage_beyond_subject
  1.4954, // best_sentence_beyond_subject
  1.1099, // number_question_x_sentence_digit
  0.6396, // who_question_x_sentence_names
  1.7101, // document_start_x_subject_question
  1.1923, // word_coverage_text
  2.1204, // word_best_sentence
  2.1830, // word_coverage_beyond_subject
  1.8493, // word_best_sentence_beyond_subject
  2.0010, // subject_words_in_question
  1.2215, // subject_in_question
  0.1880, // where_question_x_sentence_place
  1.8747, // question_numbers_in_text
  1.9834, // surface_words
  -0.0961, // best_sentence_cut_at_end
  -1.9312, // best_sentence_cut_at_start
  -1.3112, // best_sentence_position_non_chinese
];
