DROP INDEX "pending_actions_to_resume";--> statement-breakpoint
ALTER TABLE "mcp_servers" ADD COLUMN "tool_policies" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "mcp_servers" ADD COLUMN "approver_team_id" uuid;--> statement-breakpoint
ALTER TABLE "mcp_servers" ADD COLUMN "decision_timeout_seconds" integer DEFAULT 900 NOT NULL;--> statement-breakpoint
ALTER TABLE "mcp_servers" ADD CONSTRAINT "mcp_servers_approver_team_id_teams_id_fk" FOREIGN KEY ("approver_team_id") REFERENCES "public"."teams"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "pending_actions_open" ON "pending_actions" USING btree ("conversation_id") WHERE "pending_actions"."resumed_at" is null;--> statement-breakpoint
CREATE INDEX "pending_actions_message_id_index" ON "pending_actions" USING btree ("message_id");--> statement-breakpoint
CREATE INDEX "tool_calls_pending_action_id_index" ON "tool_calls" USING btree ("pending_action_id");