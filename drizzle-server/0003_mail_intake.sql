CREATE TABLE "mail_folder_state" (
	"mailbox_id" text NOT NULL,
	"folder" text NOT NULL,
	"uid_validity" text NOT NULL,
	"last_uid" bigint NOT NULL,
	"updated_at" bigint NOT NULL,
	CONSTRAINT "mail_folder_state_mailbox_id_folder_pk" PRIMARY KEY("mailbox_id","folder")
);
--> statement-breakpoint
CREATE TABLE "mail_mailboxes" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"host" text NOT NULL,
	"port" integer NOT NULL,
	"security" text NOT NULL,
	"username" text NOT NULL,
	"password_sealed" text NOT NULL,
	"folder" text NOT NULL,
	"processed_folder" text,
	"processed_flag" text NOT NULL,
	"poll_seconds" integer NOT NULL,
	"use_idle" boolean DEFAULT true NOT NULL,
	"review_inbox" boolean DEFAULT false NOT NULL,
	"enabled" boolean NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "mail_messages" (
	"mailbox_id" text NOT NULL,
	"mail_key" text NOT NULL,
	"message_id" text,
	"kind" text NOT NULL,
	"report_id" text,
	"at" bigint NOT NULL,
	CONSTRAINT "mail_messages_mailbox_id_mail_key_pk" PRIMARY KEY("mailbox_id","mail_key")
);
