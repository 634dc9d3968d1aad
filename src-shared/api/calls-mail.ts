/** Calls of the mail intake's settings (administrators). Spread into `contract` at its end. */
import { z } from 'zod';
import { zId, zLat, zLon } from '../domain/schemas';
import { call, idOut } from './call';

export const MAILBOX_KINDS = ['ordinary', 'pec'] as const;
export const MAILBOX_SECURITY = ['tls', 'starttls', 'none'] as const;

const zHost = z
  .string()
  .trim()
  .min(1, { message: 'Indica il server IMAP.' })
  .max(253)
  .regex(/^[a-zA-Z0-9.:[\]-]+$/, { message: 'Nome del server non valido.' });

export const zMailboxSettings = z.object({
  name: z.string().trim().min(1, { message: 'Dai un nome alla casella.' }).max(100),
  kind: z.enum(MAILBOX_KINDS).default('ordinary'),
  host: zHost,
  port: z
    .number()
    .int()
    .min(1, { message: 'Porta non valida.' })
    .max(65535, { message: 'Porta non valida.' }),
  security: z.enum(MAILBOX_SECURITY).default('tls'),
  username: z.string().trim().min(1, { message: 'Indica il nome utente.' }).max(320),
  folder: z.string().trim().min(1).max(200).default('INBOX'),
  /** Move handled mail here; null: add processedFlag instead. */
  processedFolder: z.string().trim().max(200).nullable().default(null),
  processedFlag: z
    .string()
    .trim()
    .regex(/^\$?[A-Za-z0-9_-]{1,60}$/, { message: 'Etichetta non valida (lettere, cifre, _ e -).' })
    .default('$SportelloAcquisito'),
  pollSeconds: z
    .number()
    .int()
    .min(30, { message: 'Controlla la posta al massimo ogni 30 secondi.' })
    .max(86_400)
    .default(120),
  useIdle: z.boolean().default(true),
  /** New reports wait in "Da revisionare" for a clerk to confirm category and place. */
  reviewInbox: z.boolean().default(false),
  enabled: z.boolean().default(true),
});

export const zMailboxView = zMailboxSettings.extend({
  id: z.string(),
  /** The password itself is write-only: never sent back. */
  hasPassword: z.boolean(),
  updatedAt: z.number(),
});
export type MailboxView = z.infer<typeof zMailboxView>;

/** A message waiting in "Da revisionare": what the clerk needs to decide. */
export const zReviewItem = z.object({
  reportId: z.string(),
  mailboxId: z.string(),
  mailboxName: z.string(),
  receivedAt: z.number(),
  channel: z.enum(['email', 'pec']),
  title: z.string(),
  description: z.string(),
  from: z.object({ name: z.string(), address: z.string() }).nullable(),
  subject: z.string(),
  attachments: z.array(z.object({ fileName: z.string(), size: z.number() })),
  /** The category the intake would have used ("Da classificare"). */
  categoryId: z.string().nullable(),
});
export type ReviewItem = z.infer<typeof zReviewItem>;

export const mailCalls = {
  'mailboxes.list': call(z.object({}).default({}), z.array(zMailboxView)),
  'mailboxes.save': call(
    zMailboxSettings.extend({
      id: zId.optional(),
      /** Required for a new mailbox; empty or missing keeps the stored one. */
      password: z.string().max(500).optional(),
    }),
    idOut,
  ),
  /** "Prova connessione": with the form's values; without a password, the stored one. */
  'mailboxes.test': call(
    zMailboxSettings.extend({ id: zId.optional(), password: z.string().max(500).optional() }),
    z.object({ ok: z.boolean(), message: z.string(), messages: z.number().nullable() }),
  ),
  /** The review inbox: messages of mailboxes with review on, waiting for a clerk. */
  'mailReview.list': call(z.object({}).default({}), z.array(zReviewItem)),
  /** Creates the report (same id the intake would have given it), exactly once. */
  'mailReview.confirm': call(
    z.object({
      reportId: zId,
      categoryId: zId,
      address: z.string().trim().max(300).default(''),
      lat: zLat.default(null),
      lon: zLon.default(null),
    }),
    z.object({ id: z.string(), code: z.string() }),
  ),
  'mailReview.discard': call(
    z.object({ reportId: zId, reason: z.string().trim().max(500).default('') }),
    z.object({ ok: z.literal(true) }),
  ),
} as const;
