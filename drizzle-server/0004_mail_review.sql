CREATE TABLE "mail_review" (
	"mailbox_id" text NOT NULL,
	"mail_key" text NOT NULL,
	"report_id" text NOT NULL,
	"received_at" bigint NOT NULL,
	"args" jsonb NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"decided_by" text,
	"decided_at" bigint,
	"note" text,
	CONSTRAINT "mail_review_mailbox_id_mail_key_pk" PRIMARY KEY("mailbox_id","mail_key")
);
--> statement-breakpoint
CREATE UNIQUE INDEX "mail_review_report_idx" ON "mail_review" USING btree ("report_id");--> statement-breakpoint
CREATE INDEX "mail_review_pending_idx" ON "mail_review" USING btree ("received_at","mail_key") WHERE status = 'pending';