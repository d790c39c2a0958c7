ALTER TABLE "knowledge_postings" DROP CONSTRAINT "knowledge_postings_chunk_id_knowledge_chunks_id_fk";
--> statement-breakpoint
DROP INDEX "knowledge_chunks_search_idx";--> statement-breakpoint
-- Without the foreign key, a chunk deleted by a cascade (its document's, its organization's) would leave its postings
-- behind: once per statement, whatever deleted the chunks, their postings go too. Parley's own code deletes postings
-- before their chunks (removeChunks in apps/server/src/knowledge/import-document.ts); then this finds none.
CREATE FUNCTION "knowledge_chunks_delete_postings"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM "knowledge_postings" p USING "removed_chunks" r WHERE p."chunk_id" = r."id";
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER "knowledge_chunks_delete_postings" AFTER DELETE ON "knowledge_chunks"
  REFERENCING OLD TABLE AS "removed_chunks" FOR EACH STATEMENT EXECUTE FUNCTION "knowledge_chunks_delete_postings"();
