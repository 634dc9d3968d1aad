CREATE TABLE "blobs" (
	"sha256" text PRIMARY KEY NOT NULL,
	"size" bigint NOT NULL,
	"mime" text NOT NULL,
	"data" "bytea" NOT NULL,
	"created_at" bigint NOT NULL,
	"created_by" text NOT NULL
);
--> statement-breakpoint
CREATE INDEX "sync_rows_attachment_sha_idx" ON "sync_rows" USING btree (("data"->>'sha256')) WHERE tbl = 'attachments';