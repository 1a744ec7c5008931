ALTER TABLE "chunks" ADD COLUMN "keyword_count" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
-- BM25's document length for chunks stored before this column existed: the tokens in their tsvector.
UPDATE "chunks" SET "keyword_count" = (SELECT coalesce(sum(cardinality(u.positions)), 0) FROM unnest("keywords") u);--> statement-breakpoint
-- Fusion weights of 1 : 1 were the fixed default, not a choice: drop them so the default that
-- depends on the embedder applies (lib/rag/fusion.ts defaultFusionWeights).
UPDATE "knowledge_bases" SET "retrieval" = "retrieval" - 'weights' WHERE "retrieval"->'weights' = '{"vector": 1, "keyword": 1}'::jsonb;
