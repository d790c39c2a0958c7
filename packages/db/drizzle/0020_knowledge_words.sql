CREATE TABLE "knowledge_words" (
	"organization_id" uuid NOT NULL,
	"word" text NOT NULL,
	"lexeme" text NOT NULL,
	CONSTRAINT "knowledge_words_organization_id_word_pk" PRIMARY KEY("organization_id","word")
);
--> statement-breakpoint
ALTER TABLE "knowledge_words" ADD CONSTRAINT "knowledge_words_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "knowledge_words_trigram_idx" ON "knowledge_words" USING gin ("word" gin_trgm_ops);--> statement-breakpoint
-- The surface words of the chunks indexed before this migration, as indexChunks (apps/server/src/knowledge/import-document.ts) adds them.
INSERT INTO "knowledge_words" ("organization_id", "word", "lexeme")
SELECT w.organization_id, w.word, l.lexeme
FROM (
  SELECT DISTINCT c.organization_id, c.language, lower(t.token) AS word
  FROM "knowledge_chunks" c, ts_parse('default', c.title || ' ' || c.about || ' ' || c.section || ' ' || c.body) t
  WHERE t.tokid IN (1, 2, 10, 11) AND length(t.token) BETWEEN 4 AND 64
) w
CROSS JOIN LATERAL (SELECT (tsvector_to_array(to_tsvector(w.language, w.word)))[1] AS lexeme) l
WHERE l.lexeme IS NOT NULL
ON CONFLICT DO NOTHING;
