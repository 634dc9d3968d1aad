/** The server's mailboxes (table mail_mailboxes): configurations with sealed passwords. */
import type { Queryable } from '../storage/storage';

export interface ServerMailbox {
  id: string;
  name: string;
  kind: 'ordinary' | 'pec';
  host: string;
  port: number;
  security: 'tls' | 'starttls' | 'none';
  username: string;
  passwordSealed: string;
  folder: string;
  processedFolder: string | null;
  processedFlag: string;
  pollSeconds: number;
  useIdle: boolean;
  reviewInbox: boolean;
  enabled: boolean;
  updatedAt: number;
}

type Raw = Record<string, unknown>;
const toRow = (r: Raw): ServerMailbox => ({
  id: r.id as string,
  name: r.name as string,
  kind: r.kind as ServerMailbox['kind'],
  host: r.host as string,
  port: Number(r.port),
  security: r.security as ServerMailbox['security'],
  username: r.username as string,
  passwordSealed: r.password_sealed as string,
  folder: r.folder as string,
  processedFolder: (r.processed_folder as string | null) ?? null,
  processedFlag: r.processed_flag as string,
  pollSeconds: Number(r.poll_seconds),
  useIdle: r.use_idle === true,
  reviewInbox: r.review_inbox === true,
  enabled: r.enabled === true,
  updatedAt: Number(r.updated_at),
});

export async function listServerMailboxes(q: Queryable): Promise<ServerMailbox[]> {
  return (await q.query<Raw>('SELECT * FROM mail_mailboxes ORDER BY lower(name), id')).map(toRow);
}

export async function getServerMailbox(q: Queryable, id: string): Promise<ServerMailbox | null> {
  const [r] = await q.query<Raw>('SELECT * FROM mail_mailboxes WHERE id = $1', [id]);
  return r ? toRow(r) : null;
}

export async function saveServerMailbox(q: Queryable, m: ServerMailbox): Promise<void> {
  await q.query(
    `INSERT INTO mail_mailboxes (id, name, kind, host, port, security, username, password_sealed, folder,
       processed_folder, processed_flag, poll_seconds, use_idle, review_inbox, enabled, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
     ON CONFLICT (id) DO UPDATE SET name = excluded.name, kind = excluded.kind, host = excluded.host,
       port = excluded.port, security = excluded.security, username = excluded.username,
       password_sealed = excluded.password_sealed, folder = excluded.folder,
       processed_folder = excluded.processed_folder, processed_flag = excluded.processed_flag,
       poll_seconds = excluded.poll_seconds, use_idle = excluded.use_idle,
       review_inbox = excluded.review_inbox, enabled = excluded.enabled, updated_at = excluded.updated_at`,
    [
      m.id,
      m.name,
      m.kind,
      m.host,
      m.port,
      m.security,
      m.username,
      m.passwordSealed,
      m.folder,
      m.processedFolder,
      m.processedFlag,
      m.pollSeconds,
      m.useIdle,
      m.reviewInbox,
      m.enabled,
      m.updatedAt,
    ],
  );
}
