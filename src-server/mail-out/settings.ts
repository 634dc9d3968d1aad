/**
 * The server's mail-out settings (table mail_settings, one JSON value per key): the SMTP
 * account with its password sealed by the server's key, the notification switches and
 * the templates. They do not replicate: administrators read and change them from a
 * synced PC through /mail/v1/call (routes.ts), and the SMTP password never leaves here.
 */
import type { NotifyRule } from '../../src-shared/mail-out';
import type { SmtpAccount } from '../../src-main/mail-out/settings-repo';
import type { TemplateView } from '../../src-shared/api/calls-mailout';
import type { Queryable } from '../storage/storage';

export type { SmtpAccount };

export interface MailSettings {
  smtp: SmtpAccount | null;
  rules: NotifyRule[];
  templates: TemplateView[];
}

export async function readMailSettings(q: Queryable): Promise<MailSettings> {
  const rows = await q.query<{ key: string; value: unknown }>(
    `SELECT key, value FROM mail_settings WHERE key IN ('smtp', 'rules', 'templates')`,
  );
  const by = new Map(rows.map((r) => [r.key, r.value]));
  return {
    smtp: (by.get('smtp') as SmtpAccount | undefined) ?? null,
    rules: (by.get('rules') as NotifyRule[] | undefined) ?? [],
    templates: (by.get('templates') as TemplateView[] | undefined) ?? [],
  };
}

export async function writeMailSetting(
  q: Queryable,
  key: 'smtp' | 'rules' | 'templates',
  value: unknown,
  now: number,
): Promise<void> {
  await q.query(
    `INSERT INTO mail_settings (key, value, updated_at) VALUES ($1, $2::jsonb, $3)
     ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
    [key, JSON.stringify(value), now],
  );
}

/** The administrators' own text of a notification, when they wrote one (as on a PC). */
export function notificationTemplate(s: MailSettings, kind: string): TemplateView | null {
  return (
    s.templates.filter((t) => t.kind === kind && t.active).sort((a, b) => b.updatedAt - a.updatedAt)[0] ??
    null
  );
}
