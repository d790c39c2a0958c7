CREATE TABLE "agent_sessions" (
	"instance_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"organization_id" uuid NOT NULL,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "agent_sessions_instance_id_user_id_organization_id_pk" PRIMARY KEY("instance_id","user_id","organization_id")
);
--> statement-breakpoint
ALTER TABLE "memberships" ADD COLUMN "away" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "agent_sessions" ADD CONSTRAINT "agent_sessions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agent_sessions" ADD CONSTRAINT "agent_sessions_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "agent_sessions_organization_id_user_id_index" ON "agent_sessions" USING btree ("organization_id","user_id");--> statement-breakpoint
CREATE INDEX "agent_sessions_last_seen_at_index" ON "agent_sessions" USING btree ("last_seen_at");