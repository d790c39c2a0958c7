CREATE TABLE "eval_runs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"model" text NOT NULL,
	"profile" text,
	"runs_per_scenario" integer NOT NULL,
	"scenario_count" integer NOT NULL,
	"passed_count" integer NOT NULL,
	"passed" boolean NOT NULL,
	"duration_ms" integer NOT NULL,
	"scenarios" jsonb NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "eval_runs" ADD CONSTRAINT "eval_runs_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "eval_runs_organization_id_started_at_index" ON "eval_runs" USING btree ("organization_id","started_at");