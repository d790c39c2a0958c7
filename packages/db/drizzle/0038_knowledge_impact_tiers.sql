-- Search reads a term's postings by impact tier, then chunk id: an import appends to a few index pages per term
-- instead of writing one page per posting (docs/knowledge.md, Import speed). Rewrites knowledge_postings once.
DROP INDEX "knowledge_postings_term_impact_idx";--> statement-breakpoint
ALTER TABLE "knowledge_postings" ADD COLUMN "impact_tier" smallint GENERATED ALWAYS AS (floor("knowledge_postings"."impact" * 16)::smallint) STORED NOT NULL;--> statement-breakpoint
CREATE INDEX "knowledge_postings_term_tier_idx" ON "knowledge_postings" USING btree ("term_id","impact_tier" DESC NULLS LAST,"chunk_id","impact","term_frequency","chunk_length");