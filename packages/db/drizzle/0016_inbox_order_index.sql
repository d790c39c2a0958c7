DROP INDEX "conversations_inbox_idx";--> statement-breakpoint
DROP INDEX "conversations_org_updated_idx";--> statement-breakpoint
CREATE INDEX "conversations_inbox_idx" ON "conversations" USING btree ("organization_id","status","updated_at" DESC NULLS FIRST,"id" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "conversations_org_updated_idx" ON "conversations" USING btree ("organization_id","updated_at" DESC NULLS FIRST,"id" DESC NULLS FIRST);