ALTER TABLE "knowledge_chunks" ADD COLUMN "about" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "knowledge_chunks" drop column "search_vector";--> statement-breakpoint
ALTER TABLE "knowledge_chunks" ADD COLUMN "search_vector" "tsvector" GENERATED ALWAYS AS (to_tsvector("knowledge_chunks"."language", "knowledge_chunks"."title" || ' ' || "knowledge_chunks"."about" || ' ' || "knowledge_chunks"."section" || ' ' || "knowledge_chunks"."body")) STORED NOT NULL;--> statement-breakpoint
CREATE INDEX "knowledge_chunks_search_idx" ON "knowledge_chunks" USING gin ("search_vector");--> statement-breakpoint
ALTER TABLE "knowledge_documents" ADD COLUMN "description" text;--> statement-breakpoint
ALTER TABLE "knowledge_documents" ADD COLUMN "warnings" text[] DEFAULT '{}'::text[] NOT NULL;
