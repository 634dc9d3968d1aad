/** The mailboxes table: configurations with sealed passwords. */
import type { MailboxView } from '../../src-shared/api/calls-mail';
import type { Sqlite } from '../db/migrate';
import { stmt } from '../db/repos/stmt';

export interface MailboxRow extends Omit<MailboxView, 'hasPassword'> {
  passwordSealed: string;
}

type Raw = Record<string, unknown>;
const toRow = (r: Raw): MailboxRow => ({
  id: r.id as string,
  name: r.name as string,
  kind: r.kind as MailboxRow['kind'],
  host: r.host as string,
  port: r.port as number,
  security: r.security as MailboxRow['security'],
  username: r.username as string,
  passwordSealed: r.password_sealed as string,
  folder: r.folder as string,
  processedFolder: (r.processed_folder as string | null) ?? null,
  processedFlag: r.processed_flag as string,
  pollSeconds: r.poll_seconds as number,
  useIdle: r.use_idle === 1,
  reviewInbox: r.review_inbox === 1,
  enabled: r.enabled === 1,
  updatedAt: r.updated_at as number,
});

export function listMailboxes(db: Sqlite): MailboxRow[] {
  return (stmt(db, 'SELECT * FROM mail_mailboxes ORDER BY name COLLATE NOCASE').all() as Raw[]).map(toRow);
}

export function getMailbox(db: Sqlite, id: string): MailboxRow | null {
  const r = stmt(db, 'SELECT * FROM mail_mailboxes WHERE id = ?').get(id) as Raw | undefined;
  return r ? toRow(r) : null;
}

export function saveMailbox(db: Sqlite, m: MailboxRow): void {
  stmt(
    db,
    `INSERT INTO mail_mailboxes (id, name, kind, host, port, security, username, password_sealed, folder,
       processed_folder, processed_flag, poll_seconds, use_idle, review_inbox, enabled, updated_at)
     VALUES (@id, @name, @kind, @host, @port, @security, @username, @passwordSealed, @folder,
       @processedFolder, @processedFlag, @pollSeconds, @useIdle, @reviewInbox, @enabled, @updatedAt)
     ON CONFLICT (id) DO UPDATE SET name = excluded.name, kind = excluded.kind, host = excluded.host,
       port = excluded.port, security = excluded.security, username = excluded.username,
       password_sealed = excluded.password_sealed, folder = excluded.folder,
       processed_folder = excluded.processed_folder, processed_flag = excluded.processed_flag,
       poll_seconds = excluded.poll_seconds, use_idle = excluded.use_idle,
       review_inbox = excluded.review_inbox, enabled = excluded.enabled,
       updated_at = excluded.updated_at`,
  ).run({
    ...m,
    useIdle: m.useIdle ? 1 : 0,
    reviewInbox: m.reviewInbox ? 1 : 0,
    enabled: m.enabled ? 1 : 0,
  });
}
