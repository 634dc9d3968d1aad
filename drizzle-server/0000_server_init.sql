CREATE TABLE "clients" (
	"client_id" text PRIMARY KEY NOT NULL,
	"user_id" text NOT NULL,
	"last_seq" bigint DEFAULT 0 NOT NULL,
	"replica_tag" text NOT NULL,
	"view_hash" text,
	"created_at" bigint NOT NULL,
	CONSTRAINT "clients_replica_tag_unique" UNIQUE("replica_tag")
);
--> statement-breakpoint
CREATE TABLE "code_counters" (
	"year" integer PRIMARY KEY NOT NULL,
	"last_seq" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "credentials" (
	"user_id" text PRIMARY KEY NOT NULL,
	"password_hash" text NOT NULL,
	"changed_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "login_throttle" (
	"key" text PRIMARY KEY NOT NULL,
	"failures" integer NOT NULL,
	"first_failure_at" bigint NOT NULL,
	"locked_until" bigint DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "meta" (
	"key" text PRIMARY KEY NOT NULL,
	"value" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "mutation_log" (
	"client_id" text NOT NULL,
	"seq" bigint NOT NULL,
	"mutation_id" text NOT NULL,
	"name" text NOT NULL,
	"args" jsonb,
	"actor_id" text NOT NULL,
	"status" text NOT NULL,
	"error" jsonb,
	"at" bigint NOT NULL,
	"applied_at" bigint NOT NULL,
	"version" bigint NOT NULL,
	CONSTRAINT "mutation_log_client_id_seq_pk" PRIMARY KEY("client_id","seq")
);
--> statement-breakpoint
CREATE TABLE "sessions" (
	"token_hash" text PRIMARY KEY NOT NULL,
	"user_id" text NOT NULL,
	"client_id" text NOT NULL,
	"created_at" bigint NOT NULL,
	"expires_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sync_rows" (
	"tbl" text NOT NULL,
	"key" text NOT NULL,
	"owner" text,
	"data" jsonb NOT NULL,
	"version" bigint NOT NULL,
	"deleted" boolean DEFAULT false NOT NULL,
	CONSTRAINT "sync_rows_tbl_key_pk" PRIMARY KEY("tbl","key")
);
--> statement-breakpoint
CREATE INDEX "mutation_log_version_idx" ON "mutation_log" USING btree ("client_id","version");--> statement-breakpoint
CREATE INDEX "sessions_user_idx" ON "sessions" USING btree ("user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "sync_rows_version_idx" ON "sync_rows" USING btree ("version");--> statement-breakpoint
CREATE INDEX "sync_rows_owner_idx" ON "sync_rows" USING btree ("tbl","owner");--> statement-breakpoint
CREATE INDEX "sync_rows_username_idx" ON "sync_rows" USING btree (("data"->>'username')) WHERE tbl = 'users';--> statement-breakpoint
CREATE INDEX "sync_rows_reporter_email_idx" ON "sync_rows" USING btree (("data"->>'email')) WHERE tbl = 'reporters';--> statement-breakpoint
CREATE INDEX "sync_rows_assignee_idx" ON "sync_rows" USING btree (("data"->>'assigneeId')) WHERE tbl = 'report_assignments';--> statement-breakpoint
CREATE INDEX "sync_rows_member_idx" ON "sync_rows" USING btree (("data"->>'userId')) WHERE tbl = 'group_members';