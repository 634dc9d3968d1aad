/** The "Posta in uscita" form: the SMTP account as typed, and the call's input from it. */
import type { CallInput } from '../../src-shared/api';
import type { SmtpView } from '../../src-shared/api/calls-mailout';

export type SmtpSecurity = SmtpView['security'];

export const SMTP_SECURITY_LABELS: Record<SmtpSecurity, string> = {
  tls: 'TLS (SSL)',
  starttls: 'STARTTLS',
  none: 'Nessuna',
};
/** The usual submission port for each kind of security. */
export const SMTP_DEFAULT_PORTS: Record<SmtpSecurity, number> = { tls: 465, starttls: 587, none: 25 };

export interface SmtpDraft {
  host: string;
  port: string;
  security: SmtpSecurity;
  username: string;
  /** Write-only: empty keeps the stored password. */
  password: string;
  hasPassword: boolean;
  clearPassword: boolean;
  fromAddress: string;
  fromName: string;
  replyTo: string;
  enabled: boolean;
}

export function newSmtpDraft(ente = ''): SmtpDraft {
  return {
    host: '',
    port: '587',
    security: 'starttls',
    username: '',
    password: '',
    hasPassword: false,
    clearPassword: false,
    fromAddress: '',
    fromName: ente,
    replyTo: '',
    enabled: true,
  };
}

export function smtpDraftOf(v: SmtpView): SmtpDraft {
  return {
    host: v.host,
    port: String(v.port),
    security: v.security,
    username: v.username,
    password: '',
    hasPassword: v.hasPassword,
    clearPassword: false,
    fromAddress: v.fromAddress,
    fromName: v.fromName,
    replyTo: v.replyTo ?? '',
    enabled: v.enabled,
  };
}

export type SmtpInput = CallInput<'mailout.smtp.save'>;
export type SmtpDraftResult = { ok: true; input: SmtpInput } | { ok: false; fields: Record<string, string> };

/** The draft as the call's input; what only the form can know is checked here, in Italian. */
export function smtpInputOf(d: SmtpDraft): SmtpDraftResult {
  const fields: Record<string, string> = {};
  const port = /^\s*\d+\s*$/.test(d.port) ? Number(d.port) : Number.NaN;
  if (Number.isNaN(port)) fields.port = 'Indica la porta con un numero (di solito 587 o 465).';
  const username = d.username.trim();
  const keepsPassword = d.hasPassword && !d.clearPassword;
  if (username && !d.password && !keepsPassword) fields.password = 'Indica la password dell’account SMTP.';
  if (Object.keys(fields).length) return { ok: false, fields };
  return {
    ok: true,
    input: {
      host: d.host,
      port,
      security: d.security,
      username,
      fromAddress: d.fromAddress,
      fromName: d.fromName,
      replyTo: d.replyTo.trim() ? d.replyTo : null,
      enabled: d.enabled,
      clearPassword: d.clearPassword && !d.password,
      ...(d.password ? { password: d.password } : {}),
    },
  };
}

/** Whether the draft differs from what is stored (the test email uses the stored account). */
export function smtpDirty(d: SmtpDraft, stored: SmtpView | null): boolean {
  if (!stored) return true;
  const s = smtpDraftOf(stored);
  return (
    d.password !== '' ||
    d.clearPassword ||
    (Object.keys(s) as (keyof SmtpDraft)[]).some(
      (k) => k !== 'password' && k !== 'clearPassword' && String(d[k]).trim() !== String(s[k]).trim(),
    )
  );
}
