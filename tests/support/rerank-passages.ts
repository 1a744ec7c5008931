/**
 * Passages whose order the test model server's reranker (the share of the query's character
 * pairs found in a passage) predicts for the query "退货政策", while keyword and vector search
 * order them otherwise — shared by the retrieval test and the knowledge-base page's e2e test.
 */
export const RERANK_QUERY = "退货政策";

export const RERANK_PASSAGES = [
  // Both query words, again and again (keyword search loves it), but never side by side: 2/3 of the bigrams.
  "退货、政策、退货、政策、退货、政策：退货和政策反复出现。",
  // The exact phrase once, at the end of an unrelated passage: rerank score 1.
  "公司简介：本公司成立于二〇一〇年，主营家具、灯具与日用品，门店遍布全国各地，服务周到，欢迎选购。附：退货政策见官网。",
  "年假政策：员工每年享有年假。",
  "员工手册：年假十五天，病假另计。",
  "政策汇编：退货与换货的政策细则。",
];
