ALTER TABLE "usage_daily" ADD COLUMN "purpose" text DEFAULT 'bot' NOT NULL;--> statement-breakpoint
ALTER TABLE "usage_daily" DROP CONSTRAINT "usage_daily_organization_id_day_model_pk";--> statement-breakpoint
ALTER TABLE "usage_daily" ADD CONSTRAINT "usage_daily_organization_id_day_model_purpose_pk" PRIMARY KEY("organization_id","day","model","purpose");
