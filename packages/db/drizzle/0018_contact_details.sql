ALTER TABLE "contacts" ADD COLUMN "user_agent" text;--> statement-breakpoint
ALTER TABLE "contacts" ADD COLUMN "language" text;--> statement-breakpoint
ALTER TABLE "contacts" ADD COLUMN "time_zone" text;--> statement-breakpoint
ALTER TABLE "contacts" ADD COLUMN "page" text;--> statement-breakpoint
ALTER TABLE "contacts" ADD COLUMN "referrer" text;