CREATE TABLE "pending_actions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"conversation_id" uuid NOT NULL,
	"message_id" uuid,
	"turn_id" uuid NOT NULL,
	"tool_use_id" text NOT NULL,
	"tool" text NOT NULL,
	"input" jsonb NOT NULL,
	"policy" text NOT NULL,
	"summary" text NOT NULL,
	"confirm_label" text,
	"cancel_label" text,
	"status" text DEFAULT 'pending' NOT NULL,
	"team_id" uuid,
	"expires_at" timestamp with time zone NOT NULL,
	"decided_at" timestamp with time zone,
	"decided_by_kind" text,
	"decided_by_id" uuid,
	"decided_by_name" text,
	"note" text,
	"resumed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "bot_actions" ADD COLUMN "confirmation_text" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "bot_actions" ADD COLUMN "approver_team_id" uuid;--> statement-breakpoint
ALTER TABLE "bot_actions" ADD COLUMN "decision_timeout_seconds" integer DEFAULT 900 NOT NULL;--> statement-breakpoint
ALTER TABLE "tool_calls" ADD COLUMN "pending_action_id" uuid;--> statement-breakpoint
ALTER TABLE "pending_actions" ADD CONSTRAINT "pending_actions_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pending_actions" ADD CONSTRAINT "pending_actions_conversation_id_conversations_id_fk" FOREIGN KEY ("conversation_id") REFERENCES "public"."conversations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pending_actions" ADD CONSTRAINT "pending_actions_message_id_messages_id_fk" FOREIGN KEY ("message_id") REFERENCES "public"."messages"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pending_actions" ADD CONSTRAINT "pending_actions_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pending_actions" ADD CONSTRAINT "pending_actions_decided_by_id_users_id_fk" FOREIGN KEY ("decided_by_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "pending_actions_one_waiting" ON "pending_actions" USING btree ("conversation_id") WHERE "pending_actions"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "pending_actions_due" ON "pending_actions" USING btree ("expires_at") WHERE "pending_actions"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "pending_actions_to_resume" ON "pending_actions" USING btree ("conversation_id") WHERE "pending_actions"."status" <> 'pending' and "pending_actions"."resumed_at" is null;--> statement-breakpoint
CREATE INDEX "pending_actions_organization_id_status_index" ON "pending_actions" USING btree ("organization_id","status");--> statement-breakpoint
ALTER TABLE "bot_actions" ADD CONSTRAINT "bot_actions_approver_team_id_teams_id_fk" FOREIGN KEY ("approver_team_id") REFERENCES "public"."teams"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tool_calls" ADD CONSTRAINT "tool_calls_pending_action_id_pending_actions_id_fk" FOREIGN KEY ("pending_action_id") REFERENCES "public"."pending_actions"("id") ON DELETE set null ON UPDATE no action;