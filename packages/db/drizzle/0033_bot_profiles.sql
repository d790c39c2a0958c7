CREATE TABLE "bot_profiles" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"settings" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"knowledge_scope" jsonb DEFAULT '{"tags":[],"sourceIds":[]}'::jsonb NOT NULL,
	"tools" text[],
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "bot_replies" ADD COLUMN "profile_id" uuid;--> statement-breakpoint
ALTER TABLE "bot_replies" ADD COLUMN "profile_name" text;--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "bot_profile_id" uuid;--> statement-breakpoint
ALTER TABLE "knowledge_documents" ADD COLUMN "tags" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "teams" ADD COLUMN "bot_profile_id" uuid;--> statement-breakpoint
ALTER TABLE "widgets" ADD COLUMN "bot_profile_id" uuid;--> statement-breakpoint
ALTER TABLE "bot_profiles" ADD CONSTRAINT "bot_profiles_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "bot_profiles_org_name_key" ON "bot_profiles" USING btree ("organization_id",lower("name"));--> statement-breakpoint
ALTER TABLE "bot_replies" ADD CONSTRAINT "bot_replies_profile_id_bot_profiles_id_fk" FOREIGN KEY ("profile_id") REFERENCES "public"."bot_profiles"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "conversations" ADD CONSTRAINT "conversations_bot_profile_id_bot_profiles_id_fk" FOREIGN KEY ("bot_profile_id") REFERENCES "public"."bot_profiles"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "teams" ADD CONSTRAINT "teams_bot_profile_id_bot_profiles_id_fk" FOREIGN KEY ("bot_profile_id") REFERENCES "public"."bot_profiles"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "widgets" ADD CONSTRAINT "widgets_bot_profile_id_bot_profiles_id_fk" FOREIGN KEY ("bot_profile_id") REFERENCES "public"."bot_profiles"("id") ON DELETE set null ON UPDATE no action;