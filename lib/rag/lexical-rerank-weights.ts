/**
 * Weights of the built-in lexical reranker, one per LEXICAL_FEATURES entry (lib/rag/lexical-rerank.ts).
 * Written by `npm run train:reranker -- cmrc2018_trial_zh drcd_test_zh_hant squad11_train_subset_en --write` (scripts/train-reranker.ts).
 */
export const LEXICAL_RERANK_WEIGHTS: readonly number[] = [
  5.3792, // score_vs_best
  -1.3860, // score
  0.2427, // reciprocal_rank
  -0.0444, // is_first
  -2.5881, // coverage_text
  1.1125, // coverage_indexed
  -0.8797, // best_sentence
  -1.2418, // best_two_sentences
  1.7538, // ordered_pairs
  0.5393, // document_start
  -0.3696, // same_document_as_first
  3.9378, // document_best
  3.1901, // document_share
  -0.1699, // previous_score
  0.3603, // next_score
  1.7213, // number_question_x_digit
  1.3011, // year_question_x_year
  1.0228, // who_question_x_names
  0.2121, // length
  -0.2306, // new_names
  1.2819, // subject_coverage
  0.4782, // coverage_beyond_subject
  1.5343, // best_sentence_beyond_subject
  1.1248, // number_question_x_sentence_digit
  0.6967, // who_question_x_sentence_names
  1.6972, // document_start_x_subject_question
  1.1700, // word_coverage_text
  2.1858, // word_best_sentence
  2.1990, // word_coverage_beyond_subject
  1.8617, // word_best_sentence_beyond_subject
  1.9679, // subject_words_in_question
  1.2623, // subject_in_question
  0.2518, // where_question_x_sentence_place
  1.8746, // question_numbers_in_text
  1.9671, // surface_words
  -0.0777, // best_sentence_cut_at_end
  -1.9321, // best_sentence_cut_at_start
  -1.3306, // best_sentence_position_non_chinese
  1.5964, // duration_question_x_sentence_duration
  1.3211, // acronym_spelled_out
];
