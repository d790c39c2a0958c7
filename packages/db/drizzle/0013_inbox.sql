CREATE TABLE "conversation_reads" (
	"user_id" uuid NOT NULL,
	"conversation_id" uuid NOT NULL,
	"last_read_seq" integer DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "conversation_reads_user_id_conversation_id_pk" PRIMARY KEY("user_id","conversation_id")
);
--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "waiting_since" timestamp with time zone;--> statement-breakpoint
-- Written by hand: conversations that were already waiting get their waiting time from the messages they have.
UPDATE "conversations" c SET "waiting_since" = w.since
FROM (
  SELECT m.conversation_id, min(m.created_at) AS since
  FROM "messages" m
  WHERE m.author_kind = 'visitor'
    AND m.seq > coalesce(
      (SELECT max(a.seq) FROM "messages" a WHERE a.conversation_id = m.conversation_id AND a.author_kind IN ('agent', 'bot')),
      0
    )
  GROUP BY m.conversation_id
) w
WHERE w.conversation_id = c.id;--> statement-breakpoint
ALTER TABLE "conversation_reads" ADD CONSTRAINT "conversation_reads_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "conversation_reads" ADD CONSTRAINT "conversation_reads_conversation_id_conversations_id_fk" FOREIGN KEY ("conversation_id") REFERENCES "public"."conversations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "conversation_reads_conversation_id_index" ON "conversation_reads" USING btree ("conversation_id");--> statement-breakpoint
CREATE INDEX "contacts_name_search_idx" ON "contacts" USING gin (to_tsvector('simple', coalesce("name", '')));--> statement-breakpoint
CREATE INDEX "contacts_email_prefix_idx" ON "contacts" USING btree (lower("email") text_pattern_ops);--> statement-breakpoint
CREATE INDEX "conversations_org_waiting_idx" ON "conversations" USING btree ("organization_id",("waiting_since" is null),coalesce("waiting_since", "updated_at"),"id");--> statement-breakpoint
CREATE INDEX "messages_body_search_idx" ON "messages" USING gin (to_tsvector('simple', "body")) WHERE "messages"."author_kind" <> 'system';