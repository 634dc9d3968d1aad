/** SMTP account, notification switches and templates of mail-out. */
import type { Sqlite } from '../db/migrate';
import { stmt } from '../db/repos/stmt';
import type { NotificationKind, NotifyRule } from '../../src-shared/mail-out';

export type SmtpSecurity = 'tls' | 'starttls' | 'none';

export interface SmtpAccount {
  host: string;
  port: number;
  security: SmtpSecurity;
  username: string;
  passwordSealed: string;
  fromAddress: string;
  fromName: string;
  replyTo: string | null;
  enabled: boolean;
  updatedAt: number;
}

type Raw = Record<string, unknown>;

export function getSmtp(db: Sqlite): SmtpAccount | null {
  const r = stmt(db, 'SELECT * FROM mail_smtp WHERE id = 1').get() as Raw | undefined;
  if (!r) return null;
  return {
    host: r.host as string,
    port: r.port as number,
    security: r.security as SmtpSecurity,
    username: r.username as string,
    passwordSealed: r.password_sealed as string,
    fromAddress: r.from_address as string,
    fromName: r.from_name as string,
    replyTo: (r.reply_to as string | null) ?? null,
    enabled: r.enabled === 1,
    updatedAt: r.updated_at as number,
  };
}

export function saveSmtp(db: Sqlite, a: SmtpAccount): void {
  stmt(
    db,
    `INSERT INTO mail_smtp (id, host, port, security, username, password_sealed, from_address, from_name,
       reply_to, enabled, updated_at)
     VALUES (1, @host, @port, @security, @username, @passwordSealed, @fromAddress, @fromName, @replyTo,
       @enabled, @updatedAt)
     ON CONFLICT (id) DO UPDATE SET host = excluded.host, port = excluded.port, security = excluded.security,
       username = excluded.username, password_sealed = excluded.password_sealed,
       from_address = excluded.from_address, from_name = excluded.from_name, reply_to = excluded.reply_to,
       enabled = excluded.enabled, updated_at = excluded.updated_at`,
  ).run({ ...a, enabled: a.enabled ? 1 : 0 });
}

export function listRules(db: Sqlite): NotifyRule[] {
  return (stmt(db, 'SELECT * FROM mail_notify_rules ORDER BY kind, category_id').all() as Raw[]).map((r) => ({
    kind: r.kind as NotificationKind,
    categoryId: (r.category_id as string) || null,
    enabled: r.enabled === 1,
  }));
}

/** Replaces every switch at once (the settings screen saves them together). */
export function replaceRules(db: Sqlite, rules: readonly NotifyRule[]): void {
  db.transaction(() => {
    stmt(db, 'DELETE FROM mail_notify_rules').run();
    for (const r of rules)
      stmt(db, 'INSERT OR REPLACE INTO mail_notify_rules (kind, category_id, enabled) VALUES (?, ?, ?)').run(
        r.kind,
        r.categoryId ?? '',
        r.enabled ? 1 : 0,
      );
  })();
}

export interface TemplateRow {
  id: string;
  kind: 'reply' | NotificationKind;
  name: string;
  subject: string;
  body: string;
  active: boolean;
  updatedAt: number;
}

const toTemplate = (r: Raw): TemplateRow => ({
  id: r.id as string,
  kind: r.kind as TemplateRow['kind'],
  name: r.name as string,
  subject: r.subject as string,
  body: r.body as string,
  active: r.active === 1,
  updatedAt: r.updated_at as number,
});

export function listTemplates(db: Sqlite): TemplateRow[] {
  return (stmt(db, 'SELECT * FROM mail_templates ORDER BY kind, name COLLATE NOCASE').all() as Raw[]).map(
    toTemplate,
  );
}

export function getTemplate(db: Sqlite, id: string): TemplateRow | null {
  const r = stmt(db, 'SELECT * FROM mail_templates WHERE id = ?').get(id) as Raw | undefined;
  return r ? toTemplate(r) : null;
}

/** The administrators' own text of a notification, when they wrote one. */
export function notificationTemplate(db: Sqlite, kind: NotificationKind): TemplateRow | null {
  const r = stmt(
    db,
    'SELECT * FROM mail_templates WHERE kind = ? AND active = 1 ORDER BY updated_at DESC LIMIT 1',
  ).get(kind) as Raw | undefined;
  return r ? toTemplate(r) : null;
}

export function saveTemplate(db: Sqlite, t: TemplateRow): void {
  stmt(
    db,
    `INSERT INTO mail_templates (id, kind, name, subject, body, active, updated_at)
     VALUES (@id, @kind, @name, @subject, @body, @active, @updatedAt)
     ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, name = excluded.name, subject = excluded.subject,
       body = excluded.body, active = excluded.active, updated_at = excluded.updated_at`,
  ).run({ ...t, active: t.active ? 1 : 0 });
}
