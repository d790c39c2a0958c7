ALTER TABLE "memberships" ADD COLUMN "max_conversations" integer;--> statement-breakpoint
ALTER TABLE "memberships" ADD COLUMN "last_assigned_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "organizations" ADD COLUMN "default_max_conversations" integer DEFAULT 5 NOT NULL;--> statement-breakpoint
ALTER TABLE "widgets" ADD COLUMN "routing" jsonb DEFAULT '{}'::jsonb NOT NULL;