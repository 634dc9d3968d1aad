/** Calls of mail-out: SMTP account, notification switches, templates, outbox, Rispondi. */
import { z } from 'zod';
import { zId } from '../domain/schemas';
import { EMAIL_KINDS, NOTIFICATION_KINDS } from '../mail-out/templates';
import { call, idOut, ok } from './call';

export const SMTP_SECURITY = ['tls', 'starttls', 'none'] as const;

const zAddress = z
  .string()
  .trim()
  .toLowerCase()
  .max(254)
  .regex(/^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/, { message: 'Indirizzo email non valido.' });

export const zSmtpSettings = z.object({
  host: z
    .string()
    .trim()
    .min(1, { message: 'Indica il server SMTP.' })
    .max(253)
    .regex(/^[a-zA-Z0-9.:[\]-]+$/, { message: 'Nome del server non valido.' }),
  port: z
    .number()
    .int()
    .min(1, { message: 'Porta non valida.' })
    .max(65535, { message: 'Porta non valida.' }),
  security: z.enum(SMTP_SECURITY).default('starttls'),
  /** Empty: the server takes mail without authentication. */
  username: z.string().trim().max(320).default(''),
  fromAddress: zAddress,
  fromName: z.string().trim().min(1, { message: 'Indica il nome del mittente (l’ente).' }).max(200),
  /** The URP mailbox read by mail-in, so that answers come back to Sportello. */
  replyTo: zAddress.nullable().default(null),
  enabled: z.boolean().default(true),
});

export const zSmtpView = zSmtpSettings.extend({ hasPassword: z.boolean(), updatedAt: z.number() });
export type SmtpView = z.infer<typeof zSmtpView>;

export const zNotifyRule = z.object({
  kind: z.enum(NOTIFICATION_KINDS),
  categoryId: zId.nullable(),
  enabled: z.boolean(),
});

export const TEMPLATE_KINDS = ['reply', ...NOTIFICATION_KINDS] as const;
export const zTemplateView = z.object({
  id: z.string(),
  kind: z.enum(TEMPLATE_KINDS),
  name: z.string(),
  subject: z.string(),
  body: z.string(),
  active: z.boolean(),
  updatedAt: z.number(),
});
export type TemplateView = z.infer<typeof zTemplateView>;

export const zOutgoingView = z.object({
  id: z.string(),
  kind: z.enum(EMAIL_KINDS),
  /** Null for users who may not see reporters' data. */
  to: z.string().nullable(),
  subject: z.string(),
  status: z.enum(['queued', 'sending', 'sent', 'failed']),
  attempts: z.number(),
  lastError: z.string().nullable(),
  createdAt: z.number(),
  sentAt: z.number().nullable(),
});
export type OutgoingView = z.infer<typeof zOutgoingView>;

export const mailOutCalls = {
  'mailout.smtp.get': call(z.object({}).default({}), zSmtpView.nullable()),
  'mailout.smtp.save': call(
    zSmtpSettings.extend({
      /** Write-only: missing or empty keeps the stored one. */
      password: z.string().max(500).optional(),
      clearPassword: z.boolean().default(false),
    }),
    ok,
  ),
  /** "Invia email di prova" with the saved account. */
  'mailout.test': call(z.object({ to: zAddress }), z.object({ ok: z.boolean(), message: z.string() })),
  'mailout.rules.get': call(z.object({}).default({}), z.object({ rules: z.array(zNotifyRule) })),
  'mailout.rules.save': call(z.object({ rules: z.array(zNotifyRule).max(3000) }), ok),
  'mailout.templates.list': call(z.object({}).default({}), z.array(zTemplateView)),
  'mailout.templates.save': call(
    z.object({
      id: zId.optional(),
      kind: z.enum(TEMPLATE_KINDS).default('reply'),
      name: z.string().trim().min(1, { message: 'Dai un nome al modello.' }).max(100),
      subject: z.string().trim().min(1, { message: 'Scrivi l’oggetto.' }).max(300),
      body: z.string().trim().min(1, { message: 'Scrivi il testo.' }).max(50_000),
      active: z.boolean().default(true),
    }),
    idOut,
  ),
  'mailout.forReport': call(z.object({ reportId: zId }), z.array(zOutgoingView)),
  /** Reporters whose address is failing (bounce, PEC non-delivery, refused send); the others are left out. */
  'mailout.deliveryTrouble': call(
    z.object({ reporterIds: z.array(zId).max(100) }),
    z.array(
      z.object({
        reporterId: z.string(),
        email: z.string(),
        at: z.number(),
        source: z.enum(['bounce', 'pec', 'smtp']),
        reason: z.string(),
      }),
    ),
  ),
  'mailout.retry': call(z.object({ id: zId }), ok),
  'mailout.reply': call(
    z.object({
      reportId: zId,
      /** The reply template the text started from, recorded on the log entry. */
      templateId: zId.optional(),
      /** Chosen recipients among the report's reporters with an email; missing: all of them. */
      reporterIds: z.array(zId).max(50).optional(),
      subject: z.string().max(300),
      text: z.string().max(50_000),
      attachmentIds: z.array(zId).max(50).default([]),
    }),
    z.object({ emailId: z.string(), recipients: z.number() }),
  ),
} as const;

/**
 * Calls only the sync server answers (POST /mail/v1/call), beside the forwarded
 * mailOutCalls: a synced PC asks which of its reporters' addresses the server's SMTP
 * account saw refused, to flag them as a standalone PC does from its own outbox.
 */
export const serverMailCalls = {
  'mailout.refusedTo': call(
    z.object({ emails: z.array(zAddress).max(100) }),
    z.array(z.object({ to: z.string(), lastError: z.string().nullable(), createdAt: z.number() })),
  ),
};
