import type { CallInput } from '../../src-shared/api';
import type { MailboxView } from '../../src-shared/api/calls-mail';

export type MailboxKind = MailboxView['kind'];
export type MailboxSecurity = MailboxView['security'];

export const MAILBOX_KIND_LABELS: Record<MailboxKind, string> = { ordinary: 'Ordinaria', pec: 'PEC' };
export const MAILBOX_SECURITY_LABELS: Record<MailboxSecurity, string> = {
  tls: 'TLS',
  starttls: 'STARTTLS',
  none: 'Nessuna',
};
/** The usual IMAP port for each kind of security. */
export const DEFAULT_PORTS: Record<MailboxSecurity, number> = { tls: 993, starttls: 143, none: 143 };
export const DEFAULT_FLAG = '$SportelloAcquisito';

/** The form's state: text where a person types, so a half-typed port is not lost. */
export interface MailboxDraft {
  id?: string;
  name: string;
  kind: MailboxKind;
  host: string;
  port: string;
  security: MailboxSecurity;
  username: string;
  password: string;
  hasPassword: boolean;
  folder: string;
  after: 'move' | 'flag';
  processedFolder: string;
  processedFlag: string;
  pollSeconds: string;
  useIdle: boolean;
  reviewInbox: boolean;
  enabled: boolean;
}

export function newDraft(): MailboxDraft {
  return {
    name: '',
    kind: 'ordinary',
    host: '',
    port: '993',
    security: 'tls',
    username: '',
    password: '',
    hasPassword: false,
    folder: 'INBOX',
    after: 'flag',
    processedFolder: '',
    processedFlag: DEFAULT_FLAG,
    pollSeconds: '120',
    useIdle: true,
    reviewInbox: false,
    enabled: true,
  };
}

export function draftOf(m: MailboxView): MailboxDraft {
  return {
    id: m.id,
    name: m.name,
    kind: m.kind,
    host: m.host,
    port: String(m.port),
    security: m.security,
    username: m.username,
    password: '',
    hasPassword: m.hasPassword,
    folder: m.folder,
    after: m.processedFolder ? 'move' : 'flag',
    processedFolder: m.processedFolder ?? '',
    processedFlag: m.processedFlag,
    pollSeconds: String(m.pollSeconds),
    useIdle: m.useIdle,
    reviewInbox: m.reviewInbox,
    enabled: m.enabled,
  };
}

/** Integers as typed ("993", " 120 "); anything else is NaN so the core names the field. */
const int = (s: string) => (/^\s*\d+\s*$/.test(s) ? Number(s) : Number.NaN);

export type MailboxInput = CallInput<'mailboxes.save'>;

export type DraftResult = { ok: true; input: MailboxInput } | { ok: false; fields: Record<string, string> };

/** The draft as the call's input; numbers that are not numbers are caught here, in Italian. */
export function inputOf(d: MailboxDraft): DraftResult {
  const fields: Record<string, string> = {};
  const port = int(d.port);
  const pollSeconds = int(d.pollSeconds);
  if (Number.isNaN(port)) fields.port = 'Indica la porta con un numero (di solito 993).';
  if (Number.isNaN(pollSeconds))
    fields.pollSeconds = 'Indica ogni quanti secondi controllare, con un numero.';
  if (d.after === 'move' && !d.processedFolder.trim())
    fields.processedFolder = 'Indica la cartella in cui spostare i messaggi acquisiti.';
  if (Object.keys(fields).length) return { ok: false, fields };
  return {
    ok: true,
    input: {
      ...(d.id ? { id: d.id } : {}),
      name: d.name,
      kind: d.kind,
      host: d.host,
      port,
      security: d.security,
      username: d.username,
      folder: d.folder.trim() || 'INBOX',
      processedFolder: d.after === 'move' ? d.processedFolder.trim() : null,
      processedFlag: d.processedFlag.trim() || DEFAULT_FLAG,
      pollSeconds,
      useIdle: d.useIdle,
      reviewInbox: d.reviewInbox,
      enabled: d.enabled,
      ...(d.password ? { password: d.password } : {}),
    },
  };
}
